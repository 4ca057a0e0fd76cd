using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// M independent fully connected layers held as one block-diagonal layer: weight [M, out, in], bias [M, out]. Member
/// m's outputs depend only on member m's inputs and parameters, so no gradient crosses between members.
/// Parameters start at zero; <see cref="FusedSubnetworks.CopyFrom"/> fills them from the members.
/// </summary>
public sealed class GroupedLinear : nn.Module<Tensor, Tensor>
{
    Parameter weight;
    Parameter bias;

    /// <summary>Creates M linear layers of shape [out, in].</summary>
    /// <param name="members">M</param>
    /// <param name="inputs">input features of each member</param>
    /// <param name="outputs">output features of each member</param>
    public GroupedLinear(int members, int inputs, int outputs) : base(nameof(GroupedLinear))
    {
        if (members < 1 || inputs < 1 || outputs < 1)
            throw new ArgumentException($"GroupedLinear needs positive members, inputs and outputs; got {members}, {inputs}, {outputs}.");
        Members = members;
        Inputs = inputs;
        Outputs = outputs;
        weight = nn.Parameter(zeros(members, outputs, inputs));
        bias = nn.Parameter(zeros(members, outputs));
        RegisterComponents();
    }

    /// <summary>M, the number of members.</summary>
    public int Members { get; }
    /// <summary>Input features of each member.</summary>
    public int Inputs { get; }
    /// <summary>Output features of each member.</summary>
    public int Outputs { get; }

    /// <summary>Applies every member's linear map to its own inputs, or to one input shared by all members.</summary>
    /// <param name="input">[M, batch, in] (one input per member) or [batch, in] (shared)</param>
    /// <returns>[M, batch, out]</returns>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 2 && input.shape[1] == Inputs)
        {
            // One GEMM against the stacked weights [M * out, in], then split the columns by member.
            var flat = nn.functional.linear(input, weight.view(Members * Outputs, Inputs), bias.view(Members * Outputs));
            return flat.view(input.shape[0], Members, Outputs).transpose(0, 1);
        }
        if (input.dim() == 3 && input.shape[0] == Members && input.shape[2] == Inputs)
            return input.bmm(weight.transpose(1, 2)).add(bias.unsqueeze(1), OwnedScalars.One);
        throw new ArgumentException(
            $"GroupedLinear expects [{Members}, batch, {Inputs}] (one input per member) or [batch, {Inputs}] (shared); got [{string.Join(", ", input.shape)}].");
    }
}
