using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// BatchEnsemble (Wen et al. 2020): one shared weight W per linear and convolution layer and, per member i, rank-1
/// fast weights r_i (one per input unit) and s_i (one per output unit), so member i uses W ∘ (s_i r_iᵀ) without
/// storing it, and, as in Wen et al., its own bias: y = ((x ∘ r_i) Wᵀ + b) ∘ s_i + b_i, where b_i [out] starts at 0 (so the
/// member's bias b ∘ s_i + b_i is free). BatchNorm layers are shared. Works for every <see cref="PrunableModel"/> family.
/// With r_i = s_i = 1 and b_i = 0 every member is exactly the shared model.
/// </summary>
public sealed class BatchEnsembleNetwork : SharedWeightsNetwork
{
    readonly List<(MaskedLayer Layer, string R, string S, string? B)> _fast = [];

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
            string? b = layer.Bias is null ? null : $"fast{index}_b";
            index++;
            register_parameter(r, nn.Parameter(Init(members, layer.InputUnits, randomSignInit, generator)));
            register_parameter(s, nn.Parameter(Init(members, layer.OutputUnits, randomSignInit, generator)));
            if (b is not null) register_parameter(b, nn.Parameter(zeros(members, layer.OutputUnits)));
            _fast.Add((layer, r, s, b));
            // Looked up by name at every call: moving the network to a device replaces the parameter objects.
            layer.register_forward_pre_hook((_, input) => Member is null ? input : input * PerExample(get_parameter(r)!, input));
            layer.register_forward_hook((_, _, output) =>
            {
                if (Member is null) return output;
                var scaled = output * PerExample(get_parameter(s)!, output);
                return b is null ? scaled : scaled.add(PerExample(get_parameter(b)!, output), OwnedScalars.One);
            });
        }
        register_module("shared", shared);
    }

    static Tensor Init(int members, int units, bool randomSign, Generator generator) =>
        randomSign ? randint(0, 2, [members, units], generator: generator).to(ScalarType.Float32).mul(OwnedScalars.Of(2)).sub(OwnedScalars.Of(1)) : ones(members, units);

    /// <summary>The fast weights of every linear and convolution layer in forward order: R [M, input units], S [M, output units].</summary>
    public IReadOnlyList<(MaskedLayer Layer, Parameter R, Parameter S)> FastWeights =>
        _fast.Select(f => (f.Layer, get_parameter(f.R)!, get_parameter(f.S)!)).ToList();

    /// <summary>Member biases B [M, output units] of every layer that has a bias, in forward order.</summary>
    public IReadOnlyList<(MaskedLayer Layer, Parameter B)> MemberBiases =>
        _fast.Where(f => f.B is not null).Select(f => (f.Layer, get_parameter(f.B!)!)).ToList();

    /// <summary>The shared model's parameters plus M (inputs + outputs) fast weights and M output biases per layer.</summary>
    public override long Parameters => Shared.ActiveParameters() + FastWeights.Sum(f => f.R.numel() + f.S.numel()) + MemberBiases.Sum(b => b.B.numel());

    /// <summary>M forward passes of the shared model (the element-wise fast-weight products are not counted, like BatchNorm and activations).</summary>
    public override long FlopsPerExample => Members * Shared.FlopsPerExample();
}
