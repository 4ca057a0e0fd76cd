using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// BatchEnsemble (Wen et al. 2020): one shared weight W per linear and convolution layer and, per member i, rank-1
/// fast weights r_i (one per input unit) and s_i (one per output unit), so member i uses W ∘ (s_i r_iᵀ) without
/// storing it: y = ((x ∘ r_i) Wᵀ + b) ∘ s_i (the layer's shared bias is scaled by s_i too). BatchNorm layers are shared.
/// Works for every <see cref="PrunableModel"/> family. With r_i = s_i = 1 every member is exactly the shared model.
/// </summary>
public sealed class BatchEnsembleNetwork : SharedWeightsNetwork
{
    readonly List<(MaskedLayer Layer, string R, string S)> _fast = [];

    /// <summary>Adds fast weights to every linear and convolution layer of <paramref name="shared"/> (which this network owns).</summary>
    /// <param name="shared">the shared network; its current weights are the shared weights</param>
    /// <param name="members">M</param>
    /// <param name="randomSignInit">true: r and s start as random ±1 vectors (the paper's choice, for diversity); false: all ones</param>
    /// <param name="seed">seed of the random signs</param>
    public BatchEnsembleNetwork(PrunableModel shared, int members, bool randomSignInit = true, long seed = 0)
        : base(nameof(BatchEnsembleNetwork), shared, members)
    {
        var generator = new Generator((ulong)seed);
        int index = 0;
        foreach (var layer in shared.MaskedLayers.Where(l => l.IsWeightLayer))
        {
            string r = $"fast{index}_r", s = $"fast{index}_s";
            index++;
            register_parameter(r, nn.Parameter(Init(members, layer.InputUnits, randomSignInit, generator)));
            register_parameter(s, nn.Parameter(Init(members, layer.OutputUnits, randomSignInit, generator)));
            _fast.Add((layer, r, s));
            // Looked up by name at every call: moving the network to a device replaces the parameter objects.
            layer.register_forward_pre_hook((_, input) => Member is null ? input : input * PerExample(get_parameter(r)!, input));
            layer.register_forward_hook((_, _, output) => Member is null ? output : output * PerExample(get_parameter(s)!, output));
        }
        register_module("shared", shared);
    }

    static Tensor Init(int members, int units, bool randomSign, Generator generator) =>
        randomSign ? randint(0, 2, [members, units], generator: generator).to(ScalarType.Float32) * 2 - 1 : ones(members, units);

    /// <summary>The fast weights of every linear and convolution layer in forward order: R [M, input units], S [M, output units].</summary>
    public IReadOnlyList<(MaskedLayer Layer, Parameter R, Parameter S)> FastWeights =>
        _fast.Select(f => (f.Layer, get_parameter(f.R)!, get_parameter(f.S)!)).ToList();

    /// <summary>The shared model's parameters plus M (inputs + outputs) fast weights per layer.</summary>
    public override long Parameters => Shared.ActiveParameters() + FastWeights.Sum(f => f.R.numel() + f.S.numel());

    /// <summary>M forward passes of the shared model (the element-wise fast-weight products are not counted, like BatchNorm and activations).</summary>
    public override long FlopsPerExample => Members * Shared.FlopsPerExample();
}
