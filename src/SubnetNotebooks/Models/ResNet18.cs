using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// ResNet-18 with the CIFAR stem: 3x3 convolution (stride 1) + BatchNorm + ReLU, no max-pool; four stages of two
/// basic blocks (strides 1, 2, 2, 2); global average pooling; linear head. With dropout, dropout follows every block.
/// Groups: "stage1".."stage4" (residual streams: stem or projection, every conv2/bn2 of the stage) and
/// "stageS_B.mid" (conv1 of block B of stage S).
/// </summary>
public sealed class ResNet18 : PrunableModel
{
    /// <summary>Stage widths when the spec gives none.</summary>
    public static readonly int[] DefaultWidths = [64, 128, 256, 512];

    readonly nn.Module<Tensor, Tensor> stem;
    readonly nn.Module<Tensor, Tensor> stem_bn;
    readonly ResNetBasicBlock[] _blocks;
    readonly SeededDropout?[] _drop;
    readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds ResNet-18 with the spec's four stage widths (default 64, 128, 256, 512).</summary>
    /// <param name="spec">architecture</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">number of classes</param>
    /// <param name="widths">group widths overriding the spec (compaction), or null</param>
    public ResNet18(ModelSpec spec, int channels, int height, int width, int classes, IReadOnlyDictionary<string, int>? widths = null)
        : base(nameof(ResNet18), spec, channels, height, width, classes)
    {
        var stages = spec.Widths.Length == 0 ? DefaultWidths : spec.Widths;
        if (stages.Length != 4 || stages.Any(w => w < 1))
            throw new ArgumentException(
                $"ResNet-18 needs four positive stage widths; got [{string.Join(", ", stages)}]. Use [64, 128, 256, 512] (paper) or e.g. [4, 8, 8, 16] for tests.");
        var stream = "stage1";
        var streamWidth = WidthOf(widths, stream, stages[0]);
        var specIn = stages[0];
        var stemConv = Track(new MaskedConv2d("stem", channels, streamWidth, 3, 1, 1, (height, width), stream, null, kaimingFanOut: true));
        stem = stemConv;
        stem_bn = Track(new MaskedBatchNorm2d("stem_bn", streamWidth, stream));
        register_module("stem", stem);
        register_module("stem_bn", stem_bn);
        var size = (stemConv.OutputHeight, stemConv.OutputWidth);
        _blocks = new ResNetBasicBlock[8];
        _drop = new SeededDropout?[8];
        for (var s = 0; s < 4; s++)
            for (var b = 0; b < 2; b++)
            {
                var path = $"stage{s + 1}_{b}";
                var stride = s > 0 && b == 0 ? 2 : 1;
                var projection = stride != 1 || specIn != stages[s];
                var outStream = projection ? $"stage{s + 1}" : stream;
                var outWidth = WidthOf(widths, outStream, stages[s]);
                var mid = $"{path}.mid";
                var block = new ResNetBasicBlock(path, streamWidth, WidthOf(widths, mid, stages[s]), outWidth, stride, projection, size, stream, mid, outStream);
                foreach (var layer in block.Layers) Track(layer);
                register_module(path, block);
                _blocks[s * 2 + b] = block;
                _drop[s * 2 + b] = MakeDropout();
                if (_drop[s * 2 + b] is { } d) register_module($"{path}_drop", d);
                (stream, streamWidth, specIn, size) = (outStream, outWidth, stages[s], block.OutputSize);
            }
        head = Track(new MaskedLinear("head", streamWidth, classes, null, stream));
        register_module("head", head);
        Seal();
    }

    internal override PrunableModel WithWidths(IReadOnlyDictionary<string, int> widths) =>
        new ResNet18(Spec, Channels, Height, Width, Classes, widths);

    /// <summary>Computes logits.</summary>
    /// <param name="input">[batch, channels, height, width]</param>
    /// <returns>[batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = nn.functional.relu(stem_bn.call(stem.call(input)));
        for (var i = 0; i < _blocks.Length; i++)
        {
            x = _blocks[i].call(x);
            if (_drop[i] is { } d) x = d.call(x);
        }
        return head.call(x.mean([2, 3]));
    }
}
