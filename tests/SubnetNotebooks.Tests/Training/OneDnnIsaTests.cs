using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

public class OneDnnIsaTests
{
    [Fact]
    public void CapsAvx512CpusAtAvxUnlessTheUserChoseOtherwise()
    {
        string[] avx512 = ["fpu", "avx", "avx2", "avx512f", "avx512bw"];
        string[] avx2 = ["fpu", "avx", "avx2", "fma"];
        Assert.Equal("AVX", OneDnnIsa.Choose(avx512, FakeEnvironment.Of()));
        Assert.Null(OneDnnIsa.Choose(avx2, FakeEnvironment.Of()));
        Assert.Null(OneDnnIsa.Choose(avx512, FakeEnvironment.Of(("ONEDNN_MAX_CPU_ISA", "AVX512_CORE"))));
        Assert.Null(OneDnnIsa.Choose(avx512, FakeEnvironment.Of(("DNNL_MAX_CPU_ISA", "AVX512_CORE"))));
        Assert.Null(OneDnnIsa.Choose(avx512, FakeEnvironment.Of(("SUBNET_ONEDNN_ISA", "native"))));
        Assert.Equal("SSE41", OneDnnIsa.Choose(avx2, FakeEnvironment.Of(("SUBNET_ONEDNN_ISA", "sse41"))));
    }

    /// <summary>
    /// The gradient of sum(conv2d(x, w)) with respect to x is the transposed convolution of ones with w; the shapes are
    /// those where libtorch's AVX-512 oneDNN kernels were measured wrong. Fails on such a machine without the cap.
    /// </summary>
    [Theory]
    [InlineData(2, 3, 4)]
    [InlineData(2, 3, 8)]
    [InlineData(2, 4, 32)]
    [InlineData(8, 3, 32)]
    [InlineData(8, 4, 32)]
    public void ConvolutionInputGradientsAreExact(int batch, int channels, int side)
    {
        TorchRuntime.Ensure();
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var x = randn([batch, channels, side, side], generator: generator).requires_grad_();
        var w = randn([channels, channels, 3, 3], generator: generator);
        nn.functional.conv2d(x, w, padding: [1, 1]).sum().backward();
        var expected = nn.functional.conv_transpose2d(ones(batch, channels, side, side), w, padding: [1, 1]);
        Assert.True(x.grad!.allclose(expected, rtol: 1e-4, atol: 1e-4),
            $"conv2d input gradient is off by {(x.grad! - expected).abs().max().item<float>()} (oneDNN cap: {OneDnnIsa.Applied ?? "none"}).");
    }
}
