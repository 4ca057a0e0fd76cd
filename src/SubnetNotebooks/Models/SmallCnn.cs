using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// A small CNN for 28x28x1 or 32x32x3 images (any size works): per block a 3x3 convolution (padding 1, no bias),
/// BatchNorm, ReLU, 2x2 max-pooling while the feature map is at least 2x2, and dropout after the block when the
/// spec has a rate; then global average pooling and a linear head. Groups: "conv1".."convL" (output channels).
/// </summary>
public sealed class SmallCnn : PrunableModel
{
    readonly nn.Module<Tensor, Tensor>[] _convs;
    readonly nn.Module<Tensor, Tensor>[] _norms;
    readonly bool[] _pool;
    readonly SeededDropout?[] _drop;
    readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds the CNN of <paramref name="spec"/> (Widths = output channels of each block, at least one).</summary>
    /// <param name="spec">architecture</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">number of classes</param>
    /// <param name="widths">group widths overriding the spec (compaction), or null</param>
    public SmallCnn(ModelSpec spec, int channels, int height, int width, int classes, IReadOnlyDictionary<string, int>? widths = null)
        : base(nameof(SmallCnn), spec, channels, height, width, classes)
    {
        if (spec.Widths.Length == 0)
            throw new ArgumentException("SmallCnn needs at least one conv block width, e.g. Widths = [32, 64, 128].");
        var n = spec.Widths.Length;
        _convs = new nn.Module<Tensor, Tensor>[n];
        _norms = new nn.Module<Tensor, Tensor>[n];
        _pool = new bool[n];
        _drop = new SeededDropout?[n];
        var (h, w) = (height, width);
        var inputs = channels;
        string? inGroup = null;
        for (var i = 0; i < n; i++)
        {
            var name = $"conv{i + 1}";
            var c = WidthOf(widths, name, spec.Widths[i]);
            if (c < 1) throw new ArgumentException($"SmallCnn block {i + 1} width is {c}; widths must be positive, e.g. [32, 64, 128].");
            _convs[i] = Track(new MaskedConv2d(name, inputs, c, 3, 1, 1, (h, w), name, inGroup, kaimingFanOut: false));
            _norms[i] = Track(new MaskedBatchNorm2d($"bn{i + 1}", c, name));
            register_module(name, _convs[i]);
            register_module($"bn{i + 1}", _norms[i]);
            _pool[i] = h >= 2 && w >= 2;
            if (_pool[i]) (h, w) = (h / 2, w / 2);
            _drop[i] = MakeDropout();
            if (_drop[i] is { } d) register_module($"drop{i + 1}", d);
            inputs = c;
            inGroup = name;
        }
        head = Track(new MaskedLinear("head", inputs, classes, null, inGroup));
        register_module("head", head);
        Seal();
    }

    internal override PrunableModel WithWidths(IReadOnlyDictionary<string, int> widths) =>
        new SmallCnn(Spec, Channels, Height, Width, Classes, widths);

    /// <summary>Computes logits.</summary>
    /// <param name="input">[batch, channels, height, width]</param>
    /// <returns>[batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < _convs.Length; i++)
        {
            x = nn.functional.relu(_norms[i].call(_convs[i].call(x)));
            if (_pool[i]) x = nn.functional.max_pool2d(x, [2, 2]);
            if (_drop[i] is { } d) x = d.call(x);
        }
        x = x.mean([2, 3]);
        return head.call(x);
    }
}
