using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// ResNet basic block (post-activation): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the shortcut a 1x1
/// convolution with BatchNorm when the block changes stride or width, else the identity. conv1's channels form the
/// block's own group; conv2, bn2 and the projection write into the residual stream's group, so a subnetwork keeps the
/// same channels on both sides of the addition.
/// </summary>
public sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1;
    readonly nn.Module<Tensor, Tensor> bn1;
    readonly nn.Module<Tensor, Tensor> conv2;
    readonly nn.Module<Tensor, Tensor> bn2;
    readonly nn.Module<Tensor, Tensor>? shortcut;
    readonly nn.Module<Tensor, Tensor>? shortcut_bn;

    /// <summary>Builds the block.</summary>
    /// <param name="path">module path, e.g. "stage2_0"</param>
    /// <param name="inputs">channels of the incoming stream</param>
    /// <param name="mid">channels of conv1 (the block's own group)</param>
    /// <param name="outputs">channels of the outgoing stream</param>
    /// <param name="stride">stride of conv1 and of the projection</param>
    /// <param name="projection">true: 1x1 convolution shortcut; false: identity (then inputs == outputs and the streams are one group)</param>
    /// <param name="inputSize">(height, width) of the input</param>
    /// <param name="inStream">group of the incoming stream</param>
    /// <param name="midGroup">group of conv1's channels</param>
    /// <param name="outStream">group of the outgoing stream</param>
    public ResNetBasicBlock(string path, int inputs, int mid, int outputs, int stride, bool projection, (int H, int W) inputSize,
        string inStream, string midGroup, string outStream) : base(nameof(ResNetBasicBlock))
    {
        var first = new MaskedConv2d($"{path}.conv1", inputs, mid, 3, stride, 1, inputSize, midGroup, inStream, kaimingFanOut: true);
        conv1 = first;
        bn1 = new MaskedBatchNorm2d($"{path}.bn1", mid, midGroup);
        var size = (first.OutputHeight, first.OutputWidth);
        conv2 = new MaskedConv2d($"{path}.conv2", mid, outputs, 3, 1, 1, size, outStream, midGroup, kaimingFanOut: true);
        bn2 = new MaskedBatchNorm2d($"{path}.bn2", outputs, outStream);
        if (projection)
        {
            shortcut = new MaskedConv2d($"{path}.shortcut", inputs, outputs, 1, stride, 0, inputSize, outStream, inStream, kaimingFanOut: true);
            shortcut_bn = new MaskedBatchNorm2d($"{path}.shortcut_bn", outputs, outStream);
        }
        OutputSize = size;
        RegisterComponents();
    }

    /// <summary>(height, width) of the block's output.</summary>
    public (int H, int W) OutputSize { get; }

    /// <summary>The block's masked layers in forward order.</summary>
    public IEnumerable<MaskedLayer> Layers =>
        new nn.Module?[] { conv1, bn1, conv2, bn2, shortcut, shortcut_bn }.OfType<MaskedLayer>();

    /// <summary>Applies the block.</summary>
    /// <param name="input">[batch, inputs, H, W]</param>
    /// <returns>[batch, outputs, H_out, W_out]</returns>
    public override Tensor forward(Tensor input)
    {
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        var s = shortcut is null ? input : shortcut_bn!.call(shortcut.call(input));
        return nn.functional.relu(y.add(s, OwnedScalars.One));
    }
}
