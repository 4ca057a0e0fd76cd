using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

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
