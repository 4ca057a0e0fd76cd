using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M thin SmallCnns as one grouped network: per block a grouped 3x3 convolution (groups = M), BatchNorm over the
/// M * C channels (per-channel, so per member), ReLU, 2x2 max-pooling and dropout as in <see cref="SmallCnn"/>; global
/// average pooling; a grouped linear head. Channels are member-major blocks throughout.
/// </summary>
public sealed class FusedSmallCnn : FusedSubnetworks
{
    readonly GroupedConv2d[] _convs;
    readonly PlainBatchNorm2d[] _norms;
    readonly bool[] _pool;
    readonly SeededDropout?[] _drop;
    readonly GroupedLinear head;

    /// <summary>Builds the fused network of <paramref name="members"/> copies of <paramref name="member"/>'s architecture (zero weights).</summary>
    /// <param name="member">one thin member: its group widths are every member's</param>
    /// <param name="members">M</param>
    public FusedSmallCnn(SmallCnn member, int members) : base(nameof(FusedSmallCnn), member, members)
    {
        var blocks = member.UnitGroups.Count;
        _convs = new GroupedConv2d[blocks];
        _norms = new PlainBatchNorm2d[blocks];
        _pool = new bool[blocks];
        _drop = new SeededDropout?[blocks];
        var (h, w) = (Height, Width);
        var inputs = Channels;
        for (int i = 0; i < blocks; i++)
        {
            var c = GroupWidths[$"conv{i + 1}"];
            _convs[i] = new GroupedConv2d(members, inputs, c, 3, 1, 1);
            _norms[i] = MemberBatchNorm(members, c);
            register_module($"conv{i + 1}", _convs[i]);
            register_module($"bn{i + 1}", _norms[i]);
            _pool[i] = h >= 2 && w >= 2;
            if (_pool[i]) (h, w) = (h / 2, w / 2);
            if (Spec.Dropout > 0)
            {
                _drop[i] = new SeededDropout(Spec.Dropout);
                register_module($"drop{i + 1}", _drop[i]!);
            }
            inputs = c;
        }
        head = new GroupedLinear(members, inputs, Classes);
        register_module("head", head);
    }

    /// <summary>Computes every member's logits.</summary>
    /// <param name="input">[batch, C, H, W] shared by every member, or [M, batch, C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = MemberChannels(input);
        for (int i = 0; i < _convs.Length; i++)
        {
            x = nn.functional.relu(_norms[i].call(_convs[i].call(x)));
            if (_pool[i]) x = nn.functional.max_pool2d(x, [2, 2]);
            if (_drop[i] is { } d) x = d.call(x);
        }
        return PooledHead(head, x);
    }
}
