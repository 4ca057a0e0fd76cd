using TorchSharp.Modules;

namespace SubnetNotebooks.Models.Custom;

/// <summary>One prunable layer of a split network: its shape and the unit groups it writes and reads.</summary>
/// <param name="Path">module path</param>
/// <param name="Kind">"conv", "linear" or "bn"</param>
/// <param name="Inputs">input channels or features of the full network</param>
/// <param name="Outputs">output channels or features of the full network</param>
/// <param name="InputSize">(height, width) of a convolution's input</param>
/// <param name="Kernel">square kernel side of a convolution</param>
/// <param name="Stride">stride of a convolution</param>
/// <param name="Padding">zero padding of a convolution</param>
/// <param name="HasBias">whether a Conv2d or Linear has a bias</param>
/// <param name="OutputGroup">group of its output units; null for the logits</param>
/// <param name="InputGroup">group of its input units; null for the image (a BatchNorm: its own group)</param>
internal sealed record LayoutLayer(string Path, string Kind, int Inputs, int Outputs, (int H, int W) InputSize, int Kernel, int Stride, int Padding,
    bool HasBias, string? OutputGroup, string? InputGroup);

/// <summary>
/// The unit groups of a user's network: one per weight layer that a Sequential-like chain reaches, one per declared
/// residual stream. Built from what <see cref="CouplingProbe"/> observed and checked against the declaration: a
/// coupling the probe sees but nobody declared is refused, naming the layers and the line that declares it.
/// </summary>
internal static class SplitLayout
{
    /// <summary>The layers of <paramref name="probe"/> with their groups, in execution order.</summary>
    /// <param name="probe">what one probing pass observed</param>
    /// <param name="coupling">the user's declared residual streams</param>
    /// <param name="channels">input channels of the network</param>
    public static IReadOnlyList<LayoutLayer> Build(ProbeResult probe, NetworkCoupling coupling, int channels)
    {
        var writers = probe.Layers.Where(l => l.IsWeightLayer && l.Path != probe.Head).ToDictionary(l => l.Path);
        foreach (var (name, layers) in coupling.Streams)
            foreach (var layer in layers)
                if (!writers.ContainsKey(layer))
                    throw new ArgumentException(
                        layer == probe.Head ? $"Stream '{name}' names the head '{layer}', whose outputs are the logits shared by every subnetwork; leave it out."
                        : $"Stream '{name}' names '{layer}', which is not a Conv2d or Linear layer of the network. Its layers: {string.Join(", ", writers.Keys)}.");

        // Writers read together by one layer share its input channels: one group (union-find).
        var root = writers.Keys.ToDictionary(k => k, k => k);
        string Find(string k) => root[k] == k ? k : root[k] = Find(root[k]);
        void Union(string a, string b) => root[Find(a)] = Find(b);
        foreach (var (reader, read) in probe.Reads)
        {
            if (read.Contains(probe.Head)) continue;
            for (var i = 1; i < read.Length; i++) Union(read[0], read[i]);
        }
        foreach (var set in writers.Keys.GroupBy(Find).Where(g => g.Count() > 1))
        {
            var declared = coupling.Streams.FirstOrDefault(s => set.All(s.Layers.Contains));
            if (declared.Layers is null)
            {
                var readers = probe.Reads.Where(r => r.Value.Length > 1 && set.Contains(r.Value[0])).Select(r => r.Key);
                var names = set.ToArray();
                throw new ArgumentException(
                    $"Layers {string.Join(", ", names.Select(n => $"'{n}'"))} write into the same channels (read together by {string.Join(", ", readers.Select(n => $"'{n}'"))}): " +
                    "a residual addition, whose coupling TorchSharp's module tree does not show. Declare the stream so that every subnetwork keeps " +
                    $"the same channels on both sides of the addition: coupling.Stream(\"stream\", {string.Join(", ", names.Select(n => $"\"{n}\""))}).");
            }
        }
        foreach (var (_, layers) in coupling.Streams)
            for (var i = 1; i < layers.Length; i++) Union(layers[0], layers[i]);

        var groupName = new Dictionary<string, string>();
        foreach (var set in writers.Keys.GroupBy(Find))
        {
            var stream = coupling.Streams.FirstOrDefault(s => s.Layers.Contains(set.First()));
            var name = stream.Name ?? set.First();
            var widths = set.Select(w => writers[w].Outputs).Distinct().ToArray();
            if (widths.Length > 1)
                throw new ArgumentException($"Stream '{name}' joins layers of different widths ({string.Join(", ", set.Select(w => $"{w}: {writers[w].Outputs}"))}); the layers of one residual stream write the same channels.");
            foreach (var w in set) groupName[w] = name;
        }
        return probe.Layers.Select(l => Place(l, probe, groupName, channels)).ToList();
    }

    static LayoutLayer Place(ProbedLayer layer, ProbeResult probe, Dictionary<string, string> groupName, int channels)
    {
        var read = probe.Reads[layer.Path];
        string? input = read.Length == 0 ? null : groupName[read[0]];
        if (!layer.IsWeightLayer)
        {
            if (input is null)
                throw new ArgumentException($"BatchNorm2d '{layer.Path}' normalises the input image, not a layer's output; the split masks BatchNorms of Conv2d outputs. Remove it or normalise the data instead.");
            return new LayoutLayer(layer.Path, "bn", layer.Inputs, layer.Outputs, layer.InputSize, 1, 1, 0, true, input, input);
        }
        if (input is null && layer.Inputs != channels)
            throw new ArgumentException($"Layer '{layer.Path}' reads the input image but expects {layer.Inputs} channels; the network is split for {channels}-channel images.");
        var output = layer.Path == probe.Head ? null : groupName[layer.Path];
        return layer.Module switch
        {
            Conv2d c => new LayoutLayer(layer.Path, "conv", layer.Inputs, layer.Outputs, layer.InputSize, (int)c.kernel_size[0], (int)c.stride[0], (int)c.padding![0],
                c.bias is not null, output, input),
            Linear l => new LayoutLayer(layer.Path, "linear", layer.Inputs, layer.Outputs, (1, 1), 1, 1, 0, l.bias is not null, output, input),
            _ => throw new InvalidOperationException($"unreachable: {layer.Path} is not a weight layer"),
        };
    }
}
