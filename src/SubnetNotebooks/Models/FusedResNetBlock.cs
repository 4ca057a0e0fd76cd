using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// M <see cref="ResNetBasicBlock"/>s as one grouped block: grouped 3x3 convolutions, BatchNorm over M * C channels and a
/// grouped 1x1 projection shortcut (with its BatchNorm) when the block changes stride or width. Channels are member-major.
/// </summary>
public sealed class FusedResNetBlock : nn.Module<Tensor, Tensor>
{
    readonly GroupedConv2d conv1;
    readonly PlainBatchNorm2d bn1;
    readonly GroupedConv2d conv2;
    readonly PlainBatchNorm2d bn2;
    readonly GroupedConv2d? shortcut;
    readonly PlainBatchNorm2d? shortcut_bn;

    /// <summary>Builds the block of M members with one member's widths.</summary>
    /// <param name="members">M</param>
    /// <param name="inputs">channels of the incoming stream of one member</param>
    /// <param name="mid">conv1 channels of one member</param>
    /// <param name="outputs">channels of the outgoing stream of one member</param>
    /// <param name="stride">stride of conv1 and of the projection</param>
    /// <param name="projection">true: grouped 1x1 convolution shortcut; false: identity</param>
    public FusedResNetBlock(int members, int inputs, int mid, int outputs, int stride, bool projection) : base(nameof(FusedResNetBlock))
    {
        conv1 = new GroupedConv2d(members, inputs, mid, 3, stride, 1);
        bn1 = FusedSubnetworks.MemberBatchNorm(members, mid);
        conv2 = new GroupedConv2d(members, mid, outputs, 3, 1, 1);
        bn2 = FusedSubnetworks.MemberBatchNorm(members, outputs);
        if (projection)
        {
            shortcut = new GroupedConv2d(members, inputs, outputs, 1, stride, 0);
            shortcut_bn = FusedSubnetworks.MemberBatchNorm(members, outputs);
        }
        RegisterComponents();
    }

    /// <summary>Applies every member's block to its own channels.</summary>
    /// <param name="input">[batch, M * inputs, H, W]</param>
    /// <returns>[batch, M * outputs, H_out, W_out]</returns>
    public override Tensor forward(Tensor input)
    {
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        var s = shortcut is null ? input : shortcut_bn!.call(shortcut.call(input));
        return nn.functional.relu(y.add(s, OwnedScalars.One));
    }
}
