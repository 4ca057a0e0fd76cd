using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// Wide-ResNet-depth-k (Zagoruyko and Komodakis 2016) with pre-activation blocks: a 3x3 stem, three groups of
/// n = (depth - 4) / 6 <see cref="WideBasicBlock"/>s (strides 1, 2, 2), BatchNorm + ReLU, global average pooling and a
/// linear head. Widths 16, 16k, 32k, 64k (WRN-28-10 at paper scale), or four explicit widths from the spec.
/// With dropout, dropout sits between the two convolutions of every block.
/// Groups: "stem" (and "group1".."group3" where a projection starts a new stream) and "groupG_B.mid".
/// </summary>
public sealed class WideResNet : PrunableModel
{
    readonly nn.Module<Tensor, Tensor> stem;
    readonly WideBasicBlock[] _blocks;
    readonly nn.Module<Tensor, Tensor> final_bn;
    readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds WRN-depth-k from the spec's Depth and WidthFactor (or its four explicit widths).</summary>
    /// <param name="spec">architecture</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">number of classes</param>
    /// <param name="widths">group widths overriding the spec (compaction), or null</param>
    public WideResNet(ModelSpec spec, int channels, int height, int width, int classes, IReadOnlyDictionary<string, int>? widths = null)
        : base(nameof(WideResNet), spec, channels, height, width, classes)
    {
        if (spec.Depth < 10 || (spec.Depth - 4) % 6 != 0)
            throw new ArgumentException($"WRN depth {spec.Depth} is not 6n + 4 with n >= 1. Use 28 (paper), 16 or 10 (tests).");
        if (spec.Widths.Length == 0 && spec.WidthFactor < 1)
            throw new ArgumentException($"WRN width factor {spec.WidthFactor} must be at least 1. Use 10 (paper) or 1 (tests).");
        var k = spec.WidthFactor;
        var plan = spec.Widths.Length == 0 ? [16, 16 * k, 32 * k, 64 * k] : spec.Widths;
        if (plan.Length != 4 || plan.Any(w => w < 1))
            throw new ArgumentException(
                $"WRN widths must be empty (16, 16k, 32k, 64k) or four positive values (stem, group 1, 2, 3); got [{string.Join(", ", plan)}].");
        var n = (spec.Depth - 4) / 6;
        var stream = "stem";
        var streamWidth = WidthOf(widths, stream, plan[0]);
        var specIn = plan[0];
        var stemConv = Track(new MaskedConv2d("stem", channels, streamWidth, 3, 1, 1, (height, width), stream, null, kaimingFanOut: true));
        stem = stemConv;
        register_module("stem", stem);
        var size = (stemConv.OutputHeight, stemConv.OutputWidth);
        _blocks = new WideBasicBlock[3 * n];
        for (var g = 0; g < 3; g++)
            for (var b = 0; b < n; b++)
            {
                var path = $"group{g + 1}_{b}";
                var stride = g > 0 && b == 0 ? 2 : 1;
                var projection = stride != 1 || specIn != plan[g + 1];
                var outStream = projection ? $"group{g + 1}" : stream;
                var outWidth = WidthOf(widths, outStream, plan[g + 1]);
                var mid = $"{path}.mid";
                var block = new WideBasicBlock(path, streamWidth, WidthOf(widths, mid, plan[g + 1]), outWidth, stride, projection, size,
                    stream, mid, outStream, MakeDropout());
                foreach (var layer in block.Layers) Track(layer);
                register_module(path, block);
                _blocks[g * n + b] = block;
                (stream, streamWidth, specIn, size) = (outStream, outWidth, plan[g + 1], block.OutputSize);
            }
        final_bn = Track(new MaskedBatchNorm2d("final_bn", streamWidth, stream));
        register_module("final_bn", final_bn);
        var headLinear = Track(new MaskedLinear("head", streamWidth, classes, null, stream));
        using (no_grad()) headLinear.Bias!.zero_();
        head = headLinear;
        register_module("head", head);
        Seal();
    }

    internal override PrunableModel WithWidths(IReadOnlyDictionary<string, int> widths) =>
        new WideResNet(Spec, Channels, Height, Width, Classes, widths);

    /// <summary>Computes logits.</summary>
    /// <param name="input">[batch, channels, height, width]</param>
    /// <returns>[batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = stem.call(input);
        foreach (var block in _blocks) x = block.call(x);
        x = nn.functional.relu(final_bn.call(x));
        return head.call(x.mean([2, 3]));
    }
}
