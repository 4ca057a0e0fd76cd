using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M independent square-kernel convolutions (no bias) held as one grouped convolution: weight [M * out, in, k, k],
/// member-major, applied with groups = M to channel-stacked inputs [batch, M * in, H, W] (or, by
/// <see cref="Formulation"/>, as unfold + batched matmul). Member m's output channels m*out..(m+1)*out read only its own
/// input channels, so no gradient crosses between members.
/// </summary>
public sealed class GroupedConv2d : nn.Module<Tensor, Tensor>
{
    Parameter weight;
    readonly long _stride;
    readonly long _padding;
    readonly long _kernel;

    /// <summary>Creates M convolutions of shape [out, in, k, k] with zero weights (filled by <see cref="FusedSubnetworks.CopyFrom"/>).</summary>
    /// <param name="members">M</param>
    /// <param name="inputs">input channels of each member</param>
    /// <param name="outputs">output channels of each member</param>
    /// <param name="kernel">kernel size k</param>
    /// <param name="stride">stride</param>
    /// <param name="padding">zero padding on each side</param>
    public GroupedConv2d(int members, int inputs, int outputs, int kernel, int stride, int padding) : base(nameof(GroupedConv2d))
    {
        if (members < 1 || inputs < 1 || outputs < 1 || kernel < 1)
            throw new ArgumentException($"GroupedConv2d needs positive members, inputs, outputs and kernel; got {members}, {inputs}, {outputs}, {kernel}.");
        Members = members;
        Inputs = inputs;
        Outputs = outputs;
        _stride = stride;
        _padding = padding;
        _kernel = kernel;
        weight = nn.Parameter(zeros(members * outputs, inputs, kernel, kernel));
        RegisterComponents();
    }

    /// <summary>M, the number of members.</summary>
    public int Members { get; }
    /// <summary>Input channels of each member.</summary>
    public int Inputs { get; }
    /// <summary>Output channels of each member.</summary>
    public int Outputs { get; }
    /// <summary>How the convolutions are computed (same outputs either way); grouped by default.</summary>
    public ConvolutionFormulation Formulation { get; set; } = ConvolutionFormulation.Grouped;

    /// <summary>Applies every member's convolution to its own channels, or to input channels shared by all members.</summary>
    /// <param name="input">[batch, M * in, H, W] (member-major channel blocks) or [batch, in, H, W] (shared by all members)</param>
    /// <returns>[batch, M * out, H_out, W_out], member-major channel blocks</returns>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || (input.shape[1] != (long)Members * Inputs && input.shape[1] != Inputs))
            throw new ArgumentException(
                $"GroupedConv2d expects [batch, {Members * Inputs}, H, W] (member-major channels) or [batch, {Inputs}, H, W] (shared); got [{string.Join(", ", input.shape)}].");
        bool shared = input.shape[1] != (long)Members * Inputs;
        if (Formulation == ConvolutionFormulation.UnfoldMatmul) return UnfoldMatmul(input, shared);
        return nn.functional.conv2d(input, weight, null, strides: [_stride, _stride], padding: [_padding, _padding], groups: shared ? 1 : Members);
    }

    /// <summary>The convolutions as im2col + one (batched) matmul: columns [B, M * in * k * k, L] with L = H_out * W_out.</summary>
    Tensor UnfoldMatmul(Tensor input, bool shared)
    {
        long batch = input.shape[0];
        long outH = (input.shape[2] + 2 * _padding - _kernel) / _stride + 1, outW = (input.shape[3] + 2 * _padding - _kernel) / _stride + 1;
        long columns = Inputs * _kernel * _kernel, positions = outH * outW;
        var cols = nn.functional.unfold(input, _kernel, 1, _padding, _stride);
        if (shared) // one GEMM of the stacked weights [M * out, in * k * k] against the shared columns
            return weight.view(Members * Outputs, columns).matmul(cols).view(batch, Members * Outputs, outH, outW);
        // [B, M * J, L] -> [M, J, B * L]; bmm with [M, out, J] -> [M, out, B * L] -> [B, M * out, H_out, W_out]
        var perMember = cols.view(batch, Members, columns, positions).permute(1, 2, 0, 3).reshape(Members, columns, batch * positions);
        var result = weight.view(Members, Outputs, columns).bmm(perMember);
        return result.view(Members, Outputs, batch, positions).permute(2, 0, 1, 3).reshape(batch, Members * Outputs, outH, outW);
    }
}
