using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M thin <see cref="ResNet18"/>s as one grouped network: the stem a grouped 3x3 convolution reading the shared image
/// (or each member's own), BatchNorm over M * C channels, eight <see cref="FusedResNetBlock"/>s, dropout after every
/// block when the members have it, global average pooling and a grouped linear head. Names follow the members'.
/// </summary>
public sealed class FusedResNet18 : FusedSubnetworks
{
    readonly GroupedConv2d stem;
    readonly PlainBatchNorm2d stem_bn;
    readonly FusedResNetBlock[] _blocks;
    readonly SeededDropout?[] _drop;
    readonly GroupedLinear head;

    /// <summary>Builds the fused network of <paramref name="members"/> copies of <paramref name="member"/>'s architecture (zero weights).</summary>
    /// <param name="member">one thin member: its layer widths are every member's</param>
    /// <param name="members">M</param>
    public FusedResNet18(ResNet18 member, int members) : base(nameof(FusedResNet18), member, members)
    {
        var first = LayerOf(member, "stem");
        stem = new GroupedConv2d(members, Channels, first.OutputUnits, 3, 1, 1);
        stem_bn = MemberBatchNorm(members, first.OutputUnits);
        register_module("stem", stem);
        register_module("stem_bn", stem_bn);
        _blocks = new FusedResNetBlock[8];
        _drop = new SeededDropout?[8];
        for (var s = 0; s < 4; s++)
            for (var b = 0; b < 2; b++)
            {
                var path = $"stage{s + 1}_{b}";
                var (conv1, conv2) = (LayerOf(member, $"{path}.conv1"), LayerOf(member, $"{path}.conv2"));
                var projection = member.MaskedLayers.Any(l => l.Path == $"{path}.shortcut");
                var i = s * 2 + b;
                _blocks[i] = new FusedResNetBlock(members, conv1.InputUnits, conv1.OutputUnits, conv2.OutputUnits, s > 0 && b == 0 ? 2 : 1, projection);
                register_module(path, _blocks[i]);
                if (Spec.Dropout > 0)
                {
                    _drop[i] = new SeededDropout(Spec.Dropout);
                    register_module($"{path}_drop", _drop[i]!);
                }
            }
        head = new GroupedLinear(members, LayerOf(member, "head").InputUnits, Classes);
        register_module("head", head);
    }

    /// <summary>Computes every member's logits.</summary>
    /// <param name="input">[batch, C, H, W] shared by every member, or [M, batch, C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = nn.functional.relu(stem_bn.call(stem.call(MemberChannels(input))));
        for (var i = 0; i < _blocks.Length; i++)
        {
            x = _blocks[i].call(x);
            if (_drop[i] is { } d) x = d.call(x);
        }
        return PooledHead(head, x);
    }
}
