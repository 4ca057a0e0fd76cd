using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models.Custom;

/// <summary>
/// M thin members of one <see cref="SplitNetwork"/> run as one grouped network: the user's network is built again and
/// each Conv2d becomes a <see cref="GroupedConv2d"/>, each BatchNorm2d a BatchNorm over M * C channels, each Linear a
/// <see cref="MemberMajorLinear"/>, so the user's own forward pass (its additions, pooling and flatten included) runs
/// every member at once on member-major channels. Names follow the members'.
/// </summary>
internal sealed class FusedSplitNetwork : FusedSubnetworks
{
    sealed class Root(nn.Module<Tensor, Tensor> module)
    {
        public nn.Module<Tensor, Tensor> Module { get; } = module;
    }

    readonly Root _root;

    /// <summary>Builds the fused network of <paramref name="members"/> copies of <paramref name="member"/>'s widths (zero weights).</summary>
    /// <param name="member">one thin member</param>
    /// <param name="members">M</param>
    public FusedSplitNetwork(SplitNetwork member, int members) : base(nameof(FusedSplitNetwork), member, members)
    {
        var network = member.BuildOriginal();
        _root = new Root(network);
        int Width(string? group, int full) => group is null ? full : GroupWidths[group];
        SplitNetwork.Assemble(network, member.Layout, layer =>
        {
            int outputs = layer.OutputGroup is null ? Classes : Width(layer.OutputGroup, layer.Outputs);
            int inputs = Width(layer.InputGroup, layer.Inputs);
            return layer.Kind switch
            {
                "conv" => new GroupedConv2d(members, inputs, outputs, layer.Kernel, layer.Stride, layer.Padding),
                "linear" => new MemberMajorLinear(members, inputs, outputs, layer.HasBias),
                _ => MemberBatchNorm(members, outputs),
            };
        }, (_, _) => { });
        foreach (var (name, child) in network.named_children()) register_module(name, child);
    }

    /// <summary>Why members of a split network cannot be fused, or null: the grouped convolution has no bias.</summary>
    /// <param name="member">a thin member</param>
    public static string? WhyNot(SplitNetwork member)
    {
        var biased = member.Layout.FirstOrDefault(l => l.Kind == "conv" && l.HasBias);
        return biased is null ? null : $"convolution '{biased.Path}' has a bias, which the fused grouped convolution does not hold (build it with bias: false before a BatchNorm)";
    }

    /// <summary>Sets the user's root module's mode too.</summary>
    /// <param name="train">true: training mode</param>
    public override void train(bool train = true)
    {
        _root.Module.train(train);
        base.train(train);
    }

    /// <summary>Computes every member's logits.</summary>
    /// <param name="input">[batch, C, H, W] shared by every member, or [M, batch, C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var logits = _root.Module.call(MemberChannels(input));
        return logits.view(logits.shape[0], Members, Classes).transpose(0, 1);
    }
}

/// <summary>
/// M linear layers on member-major features: weight [M, out, in], bias [M, out]. Input [batch, M * in] (member m's
/// features m*in..(m+1)*in, as a flatten of member-major channels gives them) or [batch, in] shared by all members;
/// output [batch, M * out], member-major.
/// </summary>
internal sealed class MemberMajorLinear : nn.Module<Tensor, Tensor>
{
    Parameter weight;
    Parameter? bias;
    readonly int _members, _inputs, _outputs;

    /// <summary>Zero weights, filled by <see cref="FusedSubnetworks.CopyFrom"/>.</summary>
    /// <param name="members">M</param>
    /// <param name="inputs">input features of each member</param>
    /// <param name="outputs">output features of each member</param>
    /// <param name="withBias">whether the members' layers have a bias</param>
    public MemberMajorLinear(int members, int inputs, int outputs, bool withBias) : base(nameof(MemberMajorLinear))
    {
        (_members, _inputs, _outputs) = (members, inputs, outputs);
        weight = nn.Parameter(zeros(members, outputs, inputs));
        if (withBias) bias = nn.Parameter(zeros(members, outputs));
        RegisterComponents();
    }

    /// <summary>Applies every member's layer to its own features.</summary>
    /// <param name="input">[batch, M * in] or [batch, in] (shared)</param>
    /// <returns>[batch, M * out]</returns>
    public override Tensor forward(Tensor input)
    {
        long batch = input.shape[0];
        if (input.dim() == 2 && input.shape[1] == _inputs)
            return nn.functional.linear(input, weight.view(_members * _outputs, _inputs), bias?.view(_members * _outputs));
        if (input.dim() != 2 || input.shape[1] != (long)_members * _inputs)
            throw new ArgumentException($"MemberMajorLinear expects [batch, {_members * _inputs}] (member-major) or [batch, {_inputs}] (shared); got [{string.Join(", ", input.shape)}].");
        var y = input.view(batch, _members, _inputs).transpose(0, 1).bmm(weight.transpose(1, 2));
        if (bias is not null) y = y.add(bias.unsqueeze(1), OwnedScalars.One);
        return y.transpose(0, 1).reshape(batch, _members * _outputs);
    }
}
