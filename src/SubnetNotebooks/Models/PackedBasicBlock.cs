using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// A ResNet basic block with grouped convolutions for Packed-Ensembles: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
/// every convolution (and the 1x1 projection) split into <c>groups</c> groups, so that the channels of one member never
/// mix with another's.
/// </summary>
public sealed class PackedBasicBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly PlainBatchNorm2d bn1, bn2;
    readonly Conv2d? shortcut;
    readonly PlainBatchNorm2d? shortcut_bn;

    /// <summary>Builds the block.</summary>
    /// <param name="inputs">input channels (all members)</param>
    /// <param name="outputs">output channels (all members)</param>
    /// <param name="stride">stride of conv1 and the projection</param>
    /// <param name="groups">M·γ groups of every convolution</param>
    public PackedBasicBlock(int inputs, int outputs, int stride, int groups) : base(nameof(PackedBasicBlock))
    {
        conv1 = nn.Conv2d(inputs, outputs, 3, stride: stride, padding: 1, groups: groups, bias: false);
        bn1 = new PlainBatchNorm2d(outputs);
        conv2 = nn.Conv2d(outputs, outputs, 3, padding: 1, groups: groups, bias: false);
        bn2 = new PlainBatchNorm2d(outputs);
        if (stride != 1 || inputs != outputs)
        {
            shortcut = nn.Conv2d(inputs, outputs, 1, stride: stride, groups: groups, bias: false);
            shortcut_bn = new PlainBatchNorm2d(outputs);
        }
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="input">[B, inputs, H, W]</param>
    /// <returns>[B, outputs, H / stride, W / stride]</returns>
    public override Tensor forward(Tensor input)
    {
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        var s = shortcut is null ? input : shortcut_bn!.call(shortcut.call(input));
        return nn.functional.relu(y.add(s, OwnedScalars.One));
    }
}
