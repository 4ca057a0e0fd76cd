namespace SubnetNotebooks.Models;

/// <summary>How a <see cref="GroupedConv2d"/> computes its M member convolutions; every formulation gives the same outputs.</summary>
public enum ConvolutionFormulation
{
    /// <summary>One grouped convolution, groups = M (libtorch's grouped kernels).</summary>
    Grouped,
    /// <summary>
    /// im2col + batched matmul over the members: the input unfolded to [M, in * k * k, batch * H_out * W_out] and multiplied
    /// by the weights [M, out, in * k * k] in one bmm (one GEMM for a shared input).
    /// </summary>
    UnfoldMatmul,
}
