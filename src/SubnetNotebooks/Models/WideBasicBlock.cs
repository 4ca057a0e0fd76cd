using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// Wide-ResNet block (pre-activation): o = relu(bn1(x)); y = conv2(dropout(relu(bn2(conv1(o))))); output y plus
/// the shortcut, which is a 1x1 convolution of o when the block changes stride or width, else x. bn1 normalises the
/// incoming stream's channels, conv1/bn2 form the block's own group, conv2 and the projection write into the
/// outgoing stream's group.
/// </summary>
public sealed class WideBasicBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> bn1;
    readonly nn.Module<Tensor, Tensor> conv1;
    readonly nn.Module<Tensor, Tensor> bn2;
    readonly SeededDropout? drop;
    readonly nn.Module<Tensor, Tensor> conv2;
    readonly nn.Module<Tensor, Tensor>? shortcut;

    /// <summary>Builds the block.</summary>
    /// <param name="path">module path, e.g. "group2_0"</param>
    /// <param name="inputs">channels of the incoming stream</param>
    /// <param name="mid">channels of conv1 (the block's own group)</param>
    /// <param name="outputs">channels of the outgoing stream</param>
    /// <param name="stride">stride of conv1 and of the projection</param>
    /// <param name="projection">true: 1x1 convolution shortcut; false: identity (the streams are one group)</param>
    /// <param name="inputSize">(height, width) of the input</param>
    /// <param name="inStream">group of the incoming stream</param>
    /// <param name="midGroup">group of conv1's channels</param>
    /// <param name="outStream">group of the outgoing stream</param>
    /// <param name="dropout">dropout between the two convolutions, or null</param>
    public WideBasicBlock(string path, int inputs, int mid, int outputs, int stride, bool projection, (int H, int W) inputSize,
        string inStream, string midGroup, string outStream, SeededDropout? dropout) : base(nameof(WideBasicBlock))
    {
        bn1 = new MaskedBatchNorm2d($"{path}.bn1", inputs, inStream);
        var first = new MaskedConv2d($"{path}.conv1", inputs, mid, 3, stride, 1, inputSize, midGroup, inStream, kaimingFanOut: true);
        conv1 = first;
        bn2 = new MaskedBatchNorm2d($"{path}.bn2", mid, midGroup);
        drop = dropout;
        var size = (first.OutputHeight, first.OutputWidth);
        conv2 = new MaskedConv2d($"{path}.conv2", mid, outputs, 3, 1, 1, size, outStream, midGroup, kaimingFanOut: true);
        if (projection)
            shortcut = new MaskedConv2d($"{path}.shortcut", inputs, outputs, 1, stride, 0, inputSize, outStream, inStream, kaimingFanOut: true);
        OutputSize = size;
        RegisterComponents();
    }

    /// <summary>(height, width) of the block's output.</summary>
    public (int H, int W) OutputSize { get; }

    /// <summary>The block's masked layers in forward order.</summary>
    public IEnumerable<MaskedLayer> Layers =>
        new nn.Module?[] { bn1, conv1, bn2, conv2, shortcut }.OfType<MaskedLayer>();

    /// <summary>Applies the block.</summary>
    /// <param name="input">[batch, inputs, H, W]</param>
    /// <returns>[batch, outputs, H_out, W_out]</returns>
    public override Tensor forward(Tensor input)
    {
        var o = nn.functional.relu(bn1.call(input));
        var y = nn.functional.relu(bn2.call(conv1.call(o)));
        if (drop is not null) y = drop.call(y);
        y = conv2.call(y);
        return y.add(shortcut is null ? input : shortcut.call(o), OwnedScalars.One);
    }
}
