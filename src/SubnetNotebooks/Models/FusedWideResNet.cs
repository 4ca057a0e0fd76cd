using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M thin <see cref="WideResNet"/>s as one grouped network: a grouped 3x3 stem reading the shared image (or each
/// member's own), 3n <see cref="FusedWideBlock"/>s, BatchNorm over M * C channels + ReLU, global average pooling and a
/// grouped linear head. Names follow the members'.
/// </summary>
public sealed class FusedWideResNet : FusedSubnetworks
{
    readonly GroupedConv2d stem;
    readonly FusedWideBlock[] _blocks;
    readonly PlainBatchNorm2d final_bn;
    readonly GroupedLinear head;

    /// <summary>Builds the fused network of <paramref name="members"/> copies of <paramref name="member"/>'s architecture (zero weights).</summary>
    /// <param name="member">one thin member: its layer widths are every member's</param>
    /// <param name="members">M</param>
    public FusedWideResNet(WideResNet member, int members) : base(nameof(FusedWideResNet), member, members)
    {
        stem = new GroupedConv2d(members, Channels, LayerOf(member, "stem").OutputUnits, 3, 1, 1);
        register_module("stem", stem);
        var n = (Spec.Depth - 4) / 6;
        _blocks = new FusedWideBlock[3 * n];
        for (var g = 0; g < 3; g++)
            for (var b = 0; b < n; b++)
            {
                var path = $"group{g + 1}_{b}";
                var (conv1, conv2) = (LayerOf(member, $"{path}.conv1"), LayerOf(member, $"{path}.conv2"));
                var projection = member.MaskedLayers.Any(l => l.Path == $"{path}.shortcut");
                _blocks[g * n + b] = new FusedWideBlock(members, conv1.InputUnits, conv1.OutputUnits, conv2.OutputUnits, g > 0 && b == 0 ? 2 : 1,
                    projection, Spec.Dropout);
                register_module(path, _blocks[g * n + b]);
            }
        final_bn = MemberBatchNorm(members, LayerOf(member, "final_bn").OutputUnits);
        register_module("final_bn", final_bn);
        head = new GroupedLinear(members, LayerOf(member, "head").InputUnits, Classes);
        register_module("head", head);
    }

    /// <summary>Computes every member's logits.</summary>
    /// <param name="input">[batch, C, H, W] shared by every member, or [M, batch, C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = stem.call(MemberChannels(input));
        foreach (var block in _blocks) x = block.call(x);
        return PooledHead(head, nn.functional.relu(final_bn.call(x)));
    }
}
