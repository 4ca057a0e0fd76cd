namespace SubnetNotebooks.Models.Custom;

/// <summary>
/// What a user declares about a network the kit splits (<see cref="SplitNetwork"/>): one <see cref="Stream"/> call per
/// residual stream, naming every layer whose output channels are added into it (the stem or projection and each
/// block's last convolution), so a subnetwork keeps the same channels on both sides of every addition. Sequential
/// chains need no declaration. Example, a stem and one residual block:
/// <code>new NetworkCoupling().Stream("stage1", "stem", "block.conv2")</code>
/// </summary>
public sealed class NetworkCoupling
{
    readonly List<(string Name, string[] Layers)> _streams = [];

    /// <summary>The declared residual streams: name and the paths of the layers that write into it.</summary>
    public IReadOnlyList<(string Name, string[] Layers)> Streams => _streams;

    /// <summary>
    /// True when the network's convolutions were initialised Kaiming-normal, fan-out (ResNets): a re-initialised thin
    /// subnetwork then scales its weights by the fan-out, as the kit's ResNet does; false: PyTorch's default (fan-in).
    /// </summary>
    public bool KaimingFanOut { get; init; }

    /// <summary>Declares one residual stream: the layers (module paths, e.g. "stem", "block.conv2") whose outputs are added together.</summary>
    /// <param name="name">the stream's unit group name, e.g. "stage1"; unique within the network</param>
    /// <param name="layers">paths of the Conv2d / Linear layers writing into the stream (at least two)</param>
    /// <returns>this declaration, for chaining</returns>
    public NetworkCoupling Stream(string name, params string[] layers)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A residual stream needs a name, e.g. Stream(\"stage1\", \"stem\", \"block.conv2\").", nameof(name));
        if (layers.Length < 2)
            throw new ArgumentException($"Stream '{name}' names {layers.Length} layer(s); a residual stream has at least two writers (e.g. the stem and a block's last convolution).", nameof(layers));
        if (_streams.Any(s => s.Name == name))
            throw new ArgumentException($"Stream '{name}' is declared twice; give each residual stream its own name.", nameof(name));
        var again = layers.FirstOrDefault(l => _streams.Any(s => s.Layers.Contains(l)));
        if (again is not null)
            throw new ArgumentException($"Layer '{again}' is already in stream '{_streams.First(s => s.Layers.Contains(again)).Name}'; a layer writes into one stream. Merge the two Stream calls.", nameof(layers));
        _streams.Add((name, layers.ToArray()));
        return this;
    }
}
