using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// M pre-activation <see cref="WideBasicBlock"/>s as one grouped block: BatchNorm over M * C channels, grouped 3x3
/// convolutions, dropout between them when the members have it, and a grouped 1x1 projection of the activated input
/// when the block changes stride or width. Channels are member-major.
/// </summary>
public sealed class FusedWideBlock : nn.Module<Tensor, Tensor>
{
    readonly PlainBatchNorm2d bn1;
    readonly GroupedConv2d conv1;
    readonly PlainBatchNorm2d bn2;
    readonly SeededDropout? drop;
    readonly GroupedConv2d conv2;
    readonly GroupedConv2d? shortcut;

    /// <summary>Builds the block of M members with one member's widths.</summary>
    /// <param name="members">M</param>
    /// <param name="inputs">channels of the incoming stream of one member</param>
    /// <param name="mid">conv1 channels of one member</param>
    /// <param name="outputs">channels of the outgoing stream of one member</param>
    /// <param name="stride">stride of conv1 and of the projection</param>
    /// <param name="projection">true: grouped 1x1 convolution shortcut; false: identity</param>
    /// <param name="dropout">dropout rate between the convolutions (0: none)</param>
    public FusedWideBlock(int members, int inputs, int mid, int outputs, int stride, bool projection, double dropout) : base(nameof(FusedWideBlock))
    {
        bn1 = FusedSubnetworks.MemberBatchNorm(members, inputs);
        conv1 = new GroupedConv2d(members, inputs, mid, 3, stride, 1);
        bn2 = FusedSubnetworks.MemberBatchNorm(members, mid);
        if (dropout > 0) drop = new SeededDropout(dropout);
        conv2 = new GroupedConv2d(members, mid, outputs, 3, 1, 1);
        if (projection) shortcut = new GroupedConv2d(members, inputs, outputs, 1, stride, 0);
        RegisterComponents();
    }

    /// <summary>Applies every member's block to its own channels.</summary>
    /// <param name="input">[batch, M * inputs, H, W]</param>
    /// <returns>[batch, M * outputs, H_out, W_out]</returns>
    public override Tensor forward(Tensor input)
    {
        var o = nn.functional.relu(bn1.call(input));
        var y = nn.functional.relu(bn2.call(conv1.call(o)));
        if (drop is not null) y = drop.call(y);
        y = conv2.call(y);
        return y.add(shortcut is null ? input : shortcut.call(o), OwnedScalars.One);
    }
}
