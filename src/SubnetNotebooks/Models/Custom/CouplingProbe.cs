using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models.Custom;

/// <summary>A Conv2d, Linear or BatchNorm2d of a user's network, as one forward pass at the network's input shape saw it.</summary>
/// <param name="Path">module path, e.g. "block.conv2"</param>
/// <param name="Module">the TorchSharp module</param>
/// <param name="Inputs">input channels or features</param>
/// <param name="Outputs">output channels or features (a BatchNorm's channels)</param>
/// <param name="InputSize">(height, width) of a convolution's input; (1, 1) otherwise</param>
internal sealed record ProbedLayer(string Path, nn.Module Module, int Inputs, int Outputs, (int H, int W) InputSize)
{
    /// <summary>True for Conv2d and Linear (layers that write units); false for BatchNorm2d.</summary>
    public bool IsWeightLayer => Module is Conv2d or Linear;
}

/// <summary>
/// What the probe found: the prunable layers in execution order, which weight layers' output channels each layer reads
/// directly (through BatchNorm, activations, pooling, additions: no other weight layer between), and the head (the one
/// weight layer whose output channels are the logits).
/// </summary>
/// <param name="Layers">Conv2d, Linear and BatchNorm2d layers in the order the forward pass runs them</param>
/// <param name="Reads">layer path to the paths of the weight layers whose channels it reads; empty: it reads the input image</param>
/// <param name="Head">path of the layer that writes the logits</param>
internal sealed record ProbeResult(IReadOnlyList<ProbedLayer> Layers, IReadOnlyDictionary<string, string[]> Reads, string Head);

/// <summary>
/// Finds how a TorchSharp network's channels are coupled by running it, since TorchSharp exposes no graph to walk. One
/// forward pass in evaluation mode records the order and shapes of the prunable layers (forward hooks). Then, for each
/// weight layer W, a forward pass in which every weight layer outputs zeros except W, whose first output channel is NaN:
/// a layer whose input is NaN in exactly its first channel reads W's channels directly (BatchNorm, ReLU, pooling,
/// dropout, flatten after global pooling and residual additions all keep a channel where it is); NaN anywhere else
/// means a coupling the kit cannot split (concatenation, channel shuffle, flatten of a spatial map).
/// </summary>
internal static class CouplingProbe
{
    /// <summary>Module types with no parameters that keep every channel in place.</summary>
    static readonly Type[] ChannelPreserving =
    [
        typeof(ReLU), typeof(MaxPool2d), typeof(AvgPool2d), typeof(AdaptiveAvgPool2d), typeof(Flatten), typeof(Dropout),
        typeof(Identity), typeof(SeededDropout),
    ];

    /// <summary>Probes <paramref name="network"/> on inputs of shape [1, channels, height, width].</summary>
    /// <param name="network">the user's network (left in evaluation mode, its weights untouched)</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">width of the logits</param>
    public static ProbeResult Run(nn.Module<Tensor, Tensor> network, int channels, int height, int width, int classes)
    {
        var modules = network.named_modules().ToList();
        CheckKnown(modules);
        var prunable = modules.Where(m => m.module is Conv2d or Linear or BatchNorm2d).ToList();
        if (!prunable.Any(m => m.module is Conv2d or Linear))
            throw new ArgumentException($"{network.GetType().Name} has no Conv2d or Linear layer: there is nothing to split.");
        network.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = zeros(1, channels, height, width);

        var order = new List<ProbedLayer>();
        var seen = new Dictionary<nn.Module, long[]>(ReferenceEqualityComparer.Instance);
        var executed = new List<string>();
        Tensor output;
        using (Hooks(prunable, (path, module, x, y) =>
        {
            if (seen.ContainsKey(module))
                throw new ArgumentException($"Layer '{path}' runs twice in one forward pass (shared weights); the kit splits networks whose every layer runs once.");
            seen[module] = x.shape;
            executed.Add(path);
            return null;
        }, null))
            output = network.call(input);
        if (output.dim() != 2 || output.shape[1] != classes)
            throw new ArgumentException($"{network.GetType().Name} returns [{string.Join(", ", output.shape)}] for one image; expected logits [1, {classes}].");
        foreach (var (path, module) in prunable)
        {
            if (!seen.TryGetValue(module, out var s))
                throw new ArgumentException($"Layer '{path}' never runs in the forward pass; remove it from the network (the split would count and mask it).");
            order.Add(Describe(path, module, s));
        }
        order = order.OrderBy(l => executed.IndexOf(l.Path)).ToList();

        var reads = order.ToDictionary(l => l.Path, _ => new List<string>());
        var heads = new List<string>();
        foreach (var writer in order.Where(l => l.IsWeightLayer))
        {
            var nanChannels = new Dictionary<string, long[]>();
            using (Hooks(prunable, (path, module, x, y) =>
            {
                if (module is BatchNorm2d) return null;
                var poisoned = zeros_like(y);
                if (path == writer.Path) poisoned.narrow(1, 0, 1).fill_(OwnedScalars.Of(double.NaN));
                return poisoned;
            }, (path, x) => nanChannels[path] = NanChannels(x)))
                output = network.call(input);
            foreach (var (reader, channelsHit) in nanChannels)
            {
                if (channelsHit.Length == 0) continue;
                if (channelsHit.Length != 1 || channelsHit[0] != 0)
                    throw new ArgumentException(
                        $"Layer '{reader}' reads the channels of '{writer.Path}' rearranged (channel 0 of '{writer.Path}' reaches input channels " +
                        $"{Show(channelsHit)} of '{reader}'): a concatenation, channel shuffle or flatten of a spatial map, whose coupling the kit " +
                        "cannot determine. Pool globally before flattening (AdaptiveAvgPool2d(1)), or split a network without that coupling.");
                reads[reader].Add(writer.Path);
            }
            var atOutput = NanChannels(output);
            if (atOutput.Length > 1 || atOutput.Length == 1 && atOutput[0] != 0)
                throw new ArgumentException($"Channel 0 of '{writer.Path}' reaches logits {Show(atOutput)}: the logits rearrange its channels; end the network with a Linear layer.");
            if (atOutput.Length == 1) heads.Add(writer.Path);
        }
        if (heads.Count != 1)
            throw new ArgumentException(
                $"The logits are written by {(heads.Count == 0 ? "no layer" : string.Join(", ", heads.Select(h => $"'{h}'")))}; the split needs exactly one " +
                "last Linear (or Conv2d) layer writing them (the class outputs, shared by every subnetwork).");
        var head = order.First(l => l.Path == heads[0]);
        if (head.Outputs != classes)
            throw new ArgumentException($"The head '{head.Path}' writes {head.Outputs} outputs; the network is split for {classes} classes.");
        var readers = reads.Where(r => r.Value.Contains(head.Path)).Select(r => r.Key).ToList();
        if (readers.Count > 0)
            throw new ArgumentException($"The head '{head.Path}' (the logits) is also read by {string.Join(", ", readers)}; the logits must be the network's last layer.");
        return new ProbeResult(order, reads.ToDictionary(r => r.Key, r => r.Value.ToArray()), head.Path);
    }

    /// <summary>Refuses modules the split does not know: ones holding parameters of their own that are not Conv2d, Linear or BatchNorm2d.</summary>
    static void CheckKnown(List<(string name, nn.Module module)> modules)
    {
        foreach (var (path, module) in modules)
        {
            if (module is Conv2d conv)
            {
                string? why = conv.groups != 1 ? $"groups = {conv.groups} (a grouped convolution couples channels in blocks)"
                    : conv.kernel_size.Distinct().Count() != 1 ? $"kernel [{string.Join(", ", conv.kernel_size)}] is not square"
                    : conv.stride.Distinct().Count() != 1 ? $"stride [{string.Join(", ", conv.stride)}] differs by axis"
                    : conv.padding is null || conv.padding.Distinct().Count() != 1 ? "its padding differs by axis or is 'same'/'valid'"
                    : conv.dilation.Any(d => d != 1) ? $"dilation [{string.Join(", ", conv.dilation)}]"
                    : conv.padding_mode != PaddingModes.Zeros ? $"padding mode {conv.padding_mode}"
                    : null;
                if (why is not null)
                    throw new ArgumentException($"Conv2d '{path}': {why}; the split handles square kernels, one stride and zero padding per layer, groups = 1, dilation 1.");
                continue;
            }
            if (module is BatchNorm2d bn)
            {
                if (!bn.affine || !bn.track_running_stats || Math.Abs(bn.eps - 1e-5) > 1e-12 || bn.momentum is not 0.1)
                    throw new ArgumentException(
                        $"BatchNorm2d '{path}' has eps {bn.eps}, momentum {bn.momentum?.ToString() ?? "null"}, affine {bn.affine}, track_running_stats {bn.track_running_stats}; " +
                        "the split's masked BatchNorm uses PyTorch's defaults (1e-5, 0.1, affine, running statistics). Build the network with BatchNorm2d(channels).");
                continue;
            }
            if (module is Linear || ChannelPreserving.Contains(module.GetType())) continue;
            if (module.named_parameters(recurse: false).Any() || module.named_buffers(recurse: false).Any())
                throw new ArgumentException(
                    $"Layer '{path}' is a {module.GetType().Name} with parameters of its own; the split knows Conv2d, Linear and BatchNorm2d " +
                    "(with ReLU, pooling, dropout, flatten and identity between them). Build it from those layers.");
            if (!module.named_children().Any())
                throw new ArgumentException(
                    $"Layer '{path}' is a {module.GetType().Name}, which the split does not know; it knows Conv2d, Linear, BatchNorm2d, ReLU, " +
                    "MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout and Identity (or call activations functionally in forward).");
        }
    }

    static ProbedLayer Describe(string path, nn.Module module, long[] input) => module switch
    {
        Conv2d c => new ProbedLayer(path, module, (int)c.in_channels, (int)c.out_channels, ((int)input[2], (int)input[3])),
        Linear l => new ProbedLayer(path, module, (int)l.in_features, (int)l.out_features, (1, 1)),
        BatchNorm2d b => new ProbedLayer(path, module, (int)b.num_features, (int)b.num_features, ((int)input[2], (int)input[3])),
        _ => throw new InvalidOperationException($"unreachable: {module.GetType().Name} is not prunable"),
    };

    /// <summary>Channels (dimension 1) in which <paramref name="x"/> holds a NaN anywhere.</summary>
    static long[] NanChannels(Tensor x)
    {
        var perChannel = x.isnan().transpose(0, 1).reshape(x.shape[1], -1).any(1);
        return perChannel.nonzero().reshape(-1).cpu().data<long>().ToArray();
    }

    static string Show(long[] channels) =>
        channels.Length <= 6 ? $"[{string.Join(", ", channels)}]" : $"[{string.Join(", ", channels.Take(6))}, ... {channels.Length} in all]";

    /// <summary>Installs a forward hook (may replace the output) and a pre-hook (sees the input) on every prunable layer.</summary>
    static IDisposable Hooks(List<(string name, nn.Module module)> layers, Func<string, nn.Module, Tensor, Tensor, Tensor?> after, Action<string, Tensor>? before)
    {
        var removers = new List<Action>();
        foreach (var (path, module) in layers)
        {
            var m = (nn.Module<Tensor, Tensor>)module;
            var hook = m.register_forward_hook((self, x, y) => after(path, self, x, y)!);
            removers.Add(hook.remove);
            if (before is null) continue;
            var pre = m.register_forward_pre_hook((self, x) => { before(path, x); return x; });
            removers.Add(pre.remove);
        }
        return new Removal(removers);
    }

    sealed class Removal(List<Action> removers) : IDisposable
    {
        public void Dispose() { foreach (var remove in removers) remove(); }
    }
}
