using SubnetNotebooks.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models.Custom;

/// <summary>
/// A network built from TorchSharp modules, made prunable: every Conv2d, Linear and BatchNorm2d is replaced, in place
/// and with the same weights, by the kit's masked layer (<see cref="MaskedConv2d"/>, <see cref="MaskedLinear"/>,
/// <see cref="MaskedBatchNorm2d"/>), every Dropout by <see cref="SeededDropout"/>; the network's own forward pass then
/// runs the masked layers. Units are grouped per output channel of each layer, residual streams as one group each
/// (declared in <see cref="NetworkCoupling"/>, checked by <see cref="CouplingProbe"/>). Parameter names stay the user's
/// (e.g. "layer1.0.conv1.weight"), so PyTorch state dicts with those names load as they are.
/// Input: [batch, channels, height, width]; output: logits [batch, classes].
/// </summary>
public sealed class SplitNetwork : PrunableModel
{
    /// <summary>Holds the user's root module outside TorchSharp's registry (its children are registered on this model).</summary>
    sealed class Root(nn.Module<Tensor, Tensor> module)
    {
        public nn.Module<Tensor, Tensor> Module { get; } = module;
    }

    readonly Root _root;
    readonly Func<nn.Module<Tensor, Tensor>> _build;
    readonly IReadOnlyList<LayoutLayer> _layout;
    readonly bool _fanOut;

    SplitNetwork(ModelSpec spec, Func<nn.Module<Tensor, Tensor>> build, IReadOnlyList<LayoutLayer> layout, bool fanOut,
        int channels, int height, int width, int classes, IReadOnlyDictionary<string, int>? widths, nn.Module<Tensor, Tensor>? built)
        : base(nameof(SplitNetwork), spec, channels, height, width, classes)
    {
        _build = build;
        _layout = layout;
        _fanOut = fanOut;
        var network = built ?? build();
        _root = new Root(network);
        int Width(string? group, int full) => group is null ? full : WidthOf(widths, group, full);
        Assemble(network, layout, layer =>
        {
            int outputs = Width(layer.OutputGroup, layer.Outputs), inputs = layer.Kind == "bn" ? outputs : Width(layer.InputGroup, layer.Inputs);
            return layer.Kind switch
            {
                "conv" => new MaskedConv2d(layer.Path, inputs, outputs, layer.Kernel, layer.Stride, layer.Padding, layer.InputSize,
                    layer.OutputGroup, layer.InputGroup, fanOut, layer.HasBias),
                "linear" => new MaskedLinear(layer.Path, inputs, outputs, layer.OutputGroup, layer.InputGroup, layer.HasBias),
                _ => new MaskedBatchNorm2d(layer.Path, outputs, layer.OutputGroup),
            };
        }, (old, replacement) =>
        {
            if (replacement is MaskedLayer masked)
            {
                if (widths is null) CopyState(old, masked);
                Track(masked);
            }
            else TrackDropout((SeededDropout)replacement);
        });
        foreach (var (name, child) in network.named_children()) register_module(name, child);
        Seal();
    }

    /// <summary>
    /// Makes the network <paramref name="build"/> returns prunable, with its weights. <paramref name="build"/> is called again
    /// (weights then overwritten) whenever the kit needs the same architecture at other widths: a compacted subnetwork or a copy.
    /// </summary>
    /// <param name="build">builds the network: Conv2d / Linear / BatchNorm2d layers with ReLU, pooling, dropout, flatten between them,
    /// each held in a field declared Module&lt;Tensor, Tensor&gt; or in a Sequential; a residual addition written with a.add(b, OwnedScalars.One)</param>
    /// <param name="coupling">the residual streams (one Stream call each); null or empty for a chain without additions</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">classes (width of the logits)</param>
    /// <param name="kind">a name for the architecture, shown as the model's kind (e.g. "residual-cnn")</param>
    /// <exception cref="ArgumentException">a layer the split does not know, or a coupling nobody declared (the message names the layers)</exception>
    public static SplitNetwork From(Func<nn.Module<Tensor, Tensor>> build, NetworkCoupling? coupling, int channels, int height, int width, int classes,
        string kind = "custom")
    {
        using var held = HeldTensors.Hold();
        coupling ??= new NetworkCoupling();
        var network = build();
        var probe = CouplingProbe.Run(network, channels, height, width, classes);
        var layout = SplitLayout.Build(probe, coupling, channels);
        var dropout = network.modules().OfType<Dropout>().Select(d => d.p).DefaultIfEmpty(0).First();
        return new SplitNetwork(new ModelSpec(kind, [], dropout), build, layout, coupling.KaimingFanOut, channels, height, width, classes, null, network);
    }

    internal override PrunableModel WithWidths(IReadOnlyDictionary<string, int> widths) =>
        new SplitNetwork(Spec, _build, _layout, _fanOut, Channels, Height, Width, Classes, widths, null);

    /// <summary>Sets training or evaluation mode on the user's root module too (its forward may read it).</summary>
    /// <param name="train">true: training mode</param>
    public override void train(bool train = true)
    {
        _root.Module.train(train);
        base.train(train);
    }

    /// <summary>Runs the user's forward pass through the masked layers.</summary>
    /// <param name="input">[batch, channels, height, width]</param>
    /// <returns>[batch, classes] logits</returns>
    public override Tensor forward(Tensor input) => _root.Module.call(input);

    internal override nn.Module<Tensor, Tensor> Network => _root.Module;

    /// <summary>
    /// Replaces, in <paramref name="network"/>, every layer of <paramref name="layout"/> (execution order) by
    /// <paramref name="replace"/>'s module and every Dropout by a <see cref="SeededDropout"/>, reporting each swap.
    /// </summary>
    static void Assemble(nn.Module<Tensor, Tensor> network, IReadOnlyList<LayoutLayer> layout, Func<LayoutLayer, nn.Module> replace,
        Action<nn.Module, nn.Module> swapped)
    {
        var byPath = ModuleSurgery.ModulesByPath(network);
        foreach (var layer in layout)
        {
            var replacement = replace(layer);
            swapped(byPath[layer.Path], replacement);
            ModuleSurgery.ReplaceAt(byPath, layer.Path, replacement);
        }
        foreach (var (path, module) in byPath.Where(m => m.Value is Dropout).ToList())
        {
            var dropout = new SeededDropout(((Dropout)module).p);
            swapped(module, dropout);
            ModuleSurgery.ReplaceAt(byPath, path, dropout);
        }
    }

    /// <summary>Copies weight, bias and running statistics of the user's layer into the masked layer (same names).</summary>
    static void CopyState(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        var source = from.state_dict();
        foreach (var (name, t) in to.state_dict())
        {
            if (!source.TryGetValue(name, out var s))
                throw new InvalidOperationException($"{from.GetType().Name} has no state '{name}' to copy into the kit's {to.GetType().Name}.");
            t.copy_(s.reshape(t.shape));
        }
    }
}
