using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M thin MLPs (flatten, Linear-ReLU per hidden layer with dropout after it when the spec has a rate, linear head) as
/// grouped linear layers: parameters "fc1".."fcL" and "head", weight [M, out, in], bias [M, out].
/// </summary>
public sealed class FusedMlp : FusedSubnetworks
{
    readonly GroupedLinear[] _hidden;
    readonly SeededDropout?[] _drop;
    readonly GroupedLinear head;

    /// <summary>Builds the fused network of <paramref name="members"/> copies of <paramref name="member"/>'s architecture (zero weights).</summary>
    /// <param name="member">one thin member: its group widths are every member's</param>
    /// <param name="members">M</param>
    public FusedMlp(Mlp member, int members) : base(nameof(FusedMlp), member, members)
    {
        var inputs = Channels * Height * Width;
        var layers = member.UnitGroups.Count;
        _hidden = new GroupedLinear[layers];
        _drop = new SeededDropout?[layers];
        for (int i = 0; i < layers; i++)
        {
            var name = $"fc{i + 1}";
            var width = GroupWidths[name];
            _hidden[i] = new GroupedLinear(members, inputs, width);
            register_module(name, _hidden[i]);
            if (Spec.Dropout > 0)
            {
                _drop[i] = new SeededDropout(Spec.Dropout);
                register_module($"drop{i + 1}", _drop[i]!);
            }
            inputs = width;
        }
        head = new GroupedLinear(members, inputs, Classes);
        register_module("head", head);
    }

    /// <summary>Computes every member's logits.</summary>
    /// <param name="input">[batch, C, H, W] shared by every member, or [M, batch, C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = IsShared(input) ? input.flatten(1) : input.flatten(2);
        for (int i = 0; i < _hidden.Length; i++)
        {
            x = nn.functional.relu(_hidden[i].call(x));
            if (_drop[i] is { } d) x = d.call(x);
        }
        return head.call(x);
    }
}
