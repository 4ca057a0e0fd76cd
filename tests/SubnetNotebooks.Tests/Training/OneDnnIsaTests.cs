using System.Runtime.InteropServices;
using SubnetNotebooks.Benchmarks;
using SubnetNotebooks.Training;
using static TorchSharp.torch;
using Shape = SubnetNotebooks.Training.ConvolutionGradientCheck.Shape;

namespace SubnetNotebooks.Tests.Training;

public class OneDnnIsaTests
{
    static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void CapsOnlyTheInstructionSetTheUserNames()
    {
        Assert.Null(OneDnnIsa.Choose(FakeEnvironment.Of()));
        Assert.Null(OneDnnIsa.Choose(FakeEnvironment.Of(("ONEDNN_MAX_CPU_ISA", "AVX2"))));
        Assert.Null(OneDnnIsa.Choose(FakeEnvironment.Of(("SUBNET_ONEDNN_ISA", "native"))));
        Assert.Null(OneDnnIsa.Choose(FakeEnvironment.Of(("SUBNET_ONEDNN_ISA", "Native"), ("ONEDNN_MAX_CPU_ISA", "AVX2"))));
        Assert.Equal("SSE41", OneDnnIsa.Choose(FakeEnvironment.Of(("SUBNET_ONEDNN_ISA", "sse41"))));
        Assert.Equal("AVX", OneDnnIsa.Choose(FakeEnvironment.Of(("SUBNET_ONEDNN_ISA", "avx"), ("ONEDNN_MAX_CPU_ISA", "AVX2"))));
    }

    /// <summary>
    /// Output, input gradient and weight gradient of float32 conv2d against float64, in this process (at whatever cap it
    /// got). The first five shapes are those where libtorch's AVX-512 kernels were once measured wrong; then a stride-2,
    /// a 1x1 and the grouped convolutions of fused members.
    /// </summary>
    [Theory]
    [InlineData(2, 3, 3, 4, 3, 1, 1)]
    [InlineData(2, 3, 3, 8, 3, 1, 1)]
    [InlineData(2, 4, 4, 32, 3, 1, 1)]
    [InlineData(8, 3, 3, 32, 3, 1, 1)]
    [InlineData(8, 4, 4, 32, 3, 1, 1)]
    [InlineData(8, 3, 6, 16, 3, 2, 1)]
    [InlineData(4, 2, 4, 8, 1, 1, 1)]
    [InlineData(8, 12, 12, 32, 3, 1, 4)]
    [InlineData(2, 4, 8, 16, 1, 2, 4)]
    public void ConvolutionGradientsAreExact(int batch, int inputs, int outputs, int side, int kernel, int stride, int groups)
    {
        var outcome = ConvolutionGradientCheck.Run(new Shape(batch, inputs, outputs, side, kernel, stride, groups), seed: 11);
        Assert.True(outcome.ReferenceError < 1e-12, $"the float64 convolution and the formula disagree by {outcome.ReferenceError}");
        Assert.True(outcome.Exact,
            $"conv2d off by {outcome.OutputError} (output), {outcome.InputError} (input gradient), {outcome.WeightError} (weight gradient); " +
            $"oneDNN cap: {OneDnnIsa.Applied ?? "none"}.");
    }

    /// <summary>
    /// A 3x3 convolution (padding 1) of ones with ones, upstream gradient ones: every output, input-gradient and
    /// weight-gradient entry counts the in-bounds pixels of a window: 4 at the corners, 6 on the edges, 9 in the middle.
    /// </summary>
    [Fact]
    public void FormulaCountsWindowPixelsForOnes()
    {
        using var scope = NewDisposeScope();
        var shape = new Shape(1, 1, 1, 3, 3, 1, 1);
        double[] counts = [4, 6, 4, 6, 9, 6, 4, 6, 4];
        var (output, inputGradient, weightGradient) = ConvolutionGradientCheck.Formula(shape, ones(1, 1, 3, 3, ScalarType.Float64),
            ones(1, 1, 3, 3, ScalarType.Float64), ones(1, 1, 3, 3, ScalarType.Float64));
        Assert.Equal(counts, Values(output));
        Assert.Equal(counts, Values(inputGradient));
        Assert.Equal(counts, Values(weightGradient));
    }

    /// <summary>
    /// Stride 2 on 4x4 (padding 1): the windows centred on rows 0 and 2 cover rows 0, 1, 1, 2, 3, so with ones the input
    /// gradient of pixel (r, c) is (windows over row r) x (windows over column c) with counts 1, 2, 1, 1.
    /// </summary>
    [Fact]
    public void FormulaInputGradientCountsStrideTwoWindows()
    {
        using var scope = NewDisposeScope();
        var shape = new Shape(1, 1, 1, 4, 3, 2, 1);
        double[] perAxis = [1, 2, 1, 1];
        var expected = perAxis.SelectMany(r => perAxis.Select(c => r * c)).ToArray();
        var (_, inputGradient, _) = ConvolutionGradientCheck.Formula(shape, ones(1, 1, 4, 4, ScalarType.Float64),
            ones(1, 1, 3, 3, ScalarType.Float64), ones(1, 1, 2, 2, ScalarType.Float64));
        Assert.Equal(expected, Values(inputGradient));
    }

    /// <summary>
    /// Two groups of 1x1 convolutions: channel 0 (ones) times 3 and channel 1 (twos) times 5 give outputs 3 and 10; with
    /// ones upstream the input gradients are the weights 3 and 5, the weight gradients the sums of each channel, 9 and 18.
    /// </summary>
    [Fact]
    public void FormulaKeepsGroupsApart()
    {
        using var scope = NewDisposeScope();
        var shape = new Shape(1, 2, 2, 3, 1, 1, 2);
        var x = cat([ones(1, 1, 3, 3, ScalarType.Float64), full(1, 1, 3, 3, 2.0, ScalarType.Float64)], 1);
        var w = tensor(new double[] { 3, 5 }).view(2, 1, 1, 1);
        var (output, inputGradient, weightGradient) = ConvolutionGradientCheck.Formula(shape, x, w, ones(1, 2, 3, 3, ScalarType.Float64));
        Assert.Equal([3.0, 10.0], Values(output.amax([2, 3])));
        Assert.Equal([3.0, 10.0], Values(output.amin([2, 3])));
        Assert.Equal([3.0, 5.0], Values(inputGradient.amax([2, 3])));
        Assert.Equal([3.0, 5.0], Values(inputGradient.amin([2, 3])));
        Assert.Equal([9.0, 18.0], Values(weightGradient));
    }

    [Fact]
    public void RelativeErrorIsTheLargestDifferenceOverTheLargestReferenceAndNaNFails()
    {
        using var scope = NewDisposeScope();
        var expected = tensor(new double[] { 1, -2.5 });
        Assert.Equal(0.5 / 2.5, ConvolutionGradientCheck.RelativeError(tensor(new float[] { 1, -2 }), expected), 12);
        var nan = ConvolutionGradientCheck.RelativeError(tensor(new float[] { float.NaN, -2.5f }), expected);
        Assert.True(double.IsNaN(nan));
        var shape = new Shape(1, 1, 1, 4, 3, 1, 1);
        Assert.False(new ConvolutionGradientCheck.Outcome(shape, 0, nan, 0, 0).Exact);
        Assert.False(new ConvolutionGradientCheck.Outcome(shape, 0, 0, 2e-4, 0).Exact);
        Assert.True(new ConvolutionGradientCheck.Outcome(shape, 1e-6, 1e-6, 1e-6, 0).Exact);
        var summary = ConvolutionGradientCheck.Summarize([new(shape, 0, 0, 2e-4, 0), new(shape, 1e-6, 1e-6, 1e-6, 0)]);
        Assert.False(summary.Exact);
        Assert.Single(summary.Failures);
        Assert.Equal(2e-4, summary.WeightError);
    }

    /// <summary>
    /// oneDNN reads its cap once per process, so the whole check runs in child processes of the subnet CLI: at the cap the
    /// kit chooses on this machine (none since 2026-12-06), at oneDNN's native choice (the same child when the kit sets no
    /// cap), and at SSE4.1 as the control that a cap named by SUBNET_ONEDNN_ISA really reaches oneDNN. Every shape must be
    /// exact at each.
    /// </summary>
    [Fact]
    public void KitChoiceAndNativeComputeExactConvolutionsInChildProcesses()
    {
        var kit = OneDnnIsaProbe.Check(SubnetCli.Launcher, null, 2, ChildTimeout);
        Assert.Equal(OneDnnIsa.Choose(FakeEnvironment.Of()), kit.Applied);
        // With no cap the kit's child already ran at oneDNN's native choice: one child answers for both.
        var native = kit.Applied is null ? kit : OneDnnIsaProbe.Check(SubnetCli.Launcher, "native", 2, ChildTimeout);
        Assert.Null(native.Applied);
        foreach (var report in new[] { kit, native })
        {
            Assert.Equal(ConvolutionGradientCheck.Shapes().Count, report.Check.Shapes);
            Assert.True(report.Check.ReferenceError < 1e-12, $"{Name(report)}: the float64 reference disagrees with the formula by {report.Check.ReferenceError}");
            Assert.True(report.Check.Exact, $"{Name(report)} (oneDNN isa {report.Detected}): {string.Join("; ", report.Check.Failures.Take(5))}");
        }
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()) return;
        // On x86-64 oneDNN computed the float32 convolutions; otherwise this test would say nothing about its kernels.
        Assert.NotNull(native.Detected);
        Assert.Contains(native.Kernels, k => k.StartsWith("jit", StringComparison.Ordinal) || k.StartsWith("brg", StringComparison.Ordinal));
        var control = OneDnnIsaProbe.Check(SubnetCli.Launcher, "sse41", 2, ChildTimeout);
        Assert.Equal("SSE41", control.Applied);
        Assert.Contains("SSE4.1", control.Detected);
        Assert.DoesNotContain(control.Kernels, k => k.Contains("avx", StringComparison.Ordinal));
        Assert.True(control.Check.Exact, $"SSE41: {string.Join("; ", control.Check.Failures.Take(5))}");
    }

    static double[] Values(Tensor t) => t.flatten().data<double>().ToArray();

    static string Name(IsaCheckReport report) => report.Requested is null ? $"the kit's choice ({report.Applied ?? "no cap"})" : report.Requested;
}
