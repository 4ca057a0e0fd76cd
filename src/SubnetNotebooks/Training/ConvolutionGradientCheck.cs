using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>
/// A deterministic check of libtorch's float32 convolutions (oneDNN's kernels on x86 CPUs): the output, the input
/// gradient and the weight gradient of conv2d at small channel counts, each against the same quantity in float64, where
/// libtorch does not use oneDNN. The float64 reference is itself checked against an explicit unfold + matmul formula.
/// Inputs, weights and upstream gradients are float32 values, so the float64 side differs only in its arithmetic.
/// </summary>
public static class ConvolutionGradientCheck
{
    /// <summary>The largest relative error (max |float32 - float64| / max |float64|) a float32 convolution may show.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>One conv2d: weight [outputs, inputs / groups, kernel, kernel], padding kernel / 2, no bias.</summary>
    /// <param name="Batch">images per batch</param>
    /// <param name="Inputs">input channels (all groups)</param>
    /// <param name="Outputs">output channels (all groups)</param>
    /// <param name="Side">height and width of the input</param>
    /// <param name="Kernel">kernel height and width</param>
    /// <param name="Stride">stride in both directions</param>
    /// <param name="Groups">groups (M for the kit's fused members)</param>
    public sealed record Shape(int Batch, int Inputs, int Outputs, int Side, int Kernel, int Stride, int Groups)
    {
        /// <summary>Zero padding on each side: kernel / 2, as every convolution of the kit's models has.</summary>
        public int Padding => Kernel / 2;

        /// <summary>E.g. "batch 8, 3->6 channels, 32x32, 3x3 stride 2, groups 4".</summary>
        public override string ToString() =>
            $"batch {Batch}, {Inputs}->{Outputs} channels, {Side}x{Side}, {Kernel}x{Kernel} stride {Stride}{(Groups > 1 ? $", groups {Groups}" : "")}";
    }

    /// <summary>The relative errors of one shape's float32 results.</summary>
    /// <param name="Shape">the convolution</param>
    /// <param name="OutputError">of the output</param>
    /// <param name="InputError">of the input gradient</param>
    /// <param name="WeightError">of the weight gradient</param>
    /// <param name="ReferenceError">float64 libtorch against the float64 formula, all three quantities (about 1e-15 when the reference holds)</param>
    public sealed record Outcome(Shape Shape, double OutputError, double InputError, double WeightError, double ReferenceError)
    {
        /// <summary>The largest of the three float32 errors (NaN when any result holds a NaN).</summary>
        public double Error => double.IsNaN(OutputError + InputError + WeightError) ? double.NaN : Math.Max(OutputError, Math.Max(InputError, WeightError));

        /// <summary>True when every float32 result is within <see cref="Tolerance"/> (false for NaN).</summary>
        public bool Exact => Error <= Tolerance;
    }

    /// <summary>
    /// The checked shapes: batches 2, 3 and 8; 1, 2, 3, 4, 8 and 16 channels (per group); sides 4, 8, 16 and 32; each as a
    /// 3x3 convolution (stride 1, and stride 2 with twice the outputs), a 1x1 convolution (stride 1 and 2, twice the
    /// outputs), and the grouped 3x3 (stride 1 and 2) and grouped 1x1 stride-2 convolutions with 4 groups that fused members use.
    /// </summary>
    public static IReadOnlyList<Shape> Shapes()
    {
        const int groups = 4;
        var shapes = new List<Shape>();
        foreach (var batch in new[] { 2, 3, 8 })
            foreach (var c in new[] { 1, 2, 3, 4, 8, 16 })
                foreach (var side in new[] { 4, 8, 16, 32 })
                {
                    shapes.Add(new(batch, c, c, side, 3, 1, 1));
                    shapes.Add(new(batch, c, 2 * c, side, 3, 2, 1));
                    shapes.Add(new(batch, c, 2 * c, side, 1, 1, 1));
                    shapes.Add(new(batch, c, 2 * c, side, 1, 2, 1));
                    shapes.Add(new(batch, groups * c, groups * c, side, 3, 1, groups));
                    shapes.Add(new(batch, groups * c, groups * 2 * c, side, 3, 2, groups));
                    shapes.Add(new(batch, groups * c, groups * 2 * c, side, 1, 2, groups));
                }
        return shapes;
    }

    /// <summary>Checks one shape on the CPU with inputs drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public static Outcome Run(Shape shape, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var x = AsFloat32Values(randn([shape.Batch, shape.Inputs, shape.Side, shape.Side], ScalarType.Float64, generator: generator));
        var w = AsFloat32Values(randn([shape.Outputs, shape.Inputs / shape.Groups, shape.Kernel, shape.Kernel], ScalarType.Float64, generator: generator));
        long outSide = (shape.Side + 2 * shape.Padding - shape.Kernel) / shape.Stride + 1;
        var upstream = AsFloat32Values(randn([shape.Batch, shape.Outputs, outSide, outSide], ScalarType.Float64, generator: generator));

        var (y32, gx32, gw32) = Autograd(shape, x.to(ScalarType.Float32), w.to(ScalarType.Float32), upstream.to(ScalarType.Float32));
        var (y64, gx64, gw64) = Autograd(shape, x, w, upstream);
        var (yRef, gxRef, gwRef) = Formula(shape, x, w, upstream);
        var referenceError = Math.Max(RelativeError(y64, yRef), Math.Max(RelativeError(gx64, gxRef), RelativeError(gw64, gwRef)));
        return new(shape, RelativeError(y32, y64), RelativeError(gx32, gx64), RelativeError(gw32, gw64), referenceError);
    }

    /// <summary>Checks every shape of <see cref="Shapes"/>, each with its own seed.</summary>
    public static IReadOnlyList<Outcome> RunAll() => Shapes().Select((shape, i) => Run(shape, 1000 + i)).ToArray();

    /// <summary>What a whole check found: the largest errors over all shapes and the shapes that failed.</summary>
    /// <param name="Shapes">shapes checked</param>
    /// <param name="OutputError">largest relative error of an output (NaN when any was NaN)</param>
    /// <param name="InputError">largest relative error of an input gradient</param>
    /// <param name="WeightError">largest relative error of a weight gradient</param>
    /// <param name="ReferenceError">largest disagreement of the float64 reference with the formula</param>
    /// <param name="Worst">the shape with the largest error</param>
    /// <param name="Failures">every shape over <see cref="Tolerance"/>, with its errors</param>
    public sealed record Summary(int Shapes, double OutputError, double InputError, double WeightError, double ReferenceError, string Worst,
        string[] Failures)
    {
        /// <summary>The largest of the three float32 errors (NaN when any was NaN).</summary>
        [JsonIgnore]
        public double Error => double.IsNaN(OutputError + InputError + WeightError) ? double.NaN : Math.Max(OutputError, Math.Max(InputError, WeightError));

        /// <summary>True when shapes were checked and none failed.</summary>
        [JsonIgnore]
        public bool Exact => Shapes > 0 && Failures.Length == 0;
    }

    /// <summary>Sums up <paramref name="outcomes"/>.</summary>
    public static Summary Summarize(IReadOnlyList<Outcome> outcomes)
    {
        static double Max(IEnumerable<double> values) => values.Aggregate(0.0, (a, v) => double.IsNaN(a) || double.IsNaN(v) ? double.NaN : Math.Max(a, v));
        var worst = outcomes.OrderByDescending(o => double.IsNaN(o.Error) ? double.PositiveInfinity : o.Error).FirstOrDefault();
        return new(outcomes.Count, Max(outcomes.Select(o => o.OutputError)), Max(outcomes.Select(o => o.InputError)),
            Max(outcomes.Select(o => o.WeightError)), Max(outcomes.Select(o => o.ReferenceError)), worst?.Shape.ToString() ?? "",
            outcomes.Where(o => !o.Exact).Select(o => $"{o.Shape}: output {o.OutputError:G3}, input gradient {o.InputError:G3}, weight gradient {o.WeightError:G3}").ToArray());
    }

    /// <summary>max |actual - expected| / max |expected| in float64; NaN when <paramref name="actual"/> holds a NaN.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var reference = expected.to(ScalarType.Float64);
        var difference = (actual.to(ScalarType.Float64) - reference).abs().max().item<double>();
        var scale = reference.abs().max().item<double>();
        return difference / Math.Max(scale, double.Epsilon);
    }

    /// <summary>
    /// Output, input gradient and weight gradient of conv2d as an explicit formula: columns = unfold(x) [B, G, J, L]
    /// (J = inputs / G * k * k, L = output positions), y = W cols, dW = sum over the batch of dy colsᵀ, dx = fold(Wᵀ dy).
    /// </summary>
    /// <param name="shape">the convolution</param>
    /// <param name="x">[batch, inputs, side, side]</param>
    /// <param name="w">[outputs, inputs / groups, kernel, kernel]</param>
    /// <param name="upstream">dy, the gradient of the loss with respect to the output: [batch, outputs, out side, out side]</param>
    /// <returns>y like <paramref name="upstream"/>, dx like <paramref name="x"/>, dW like <paramref name="w"/></returns>
    public static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Formula(Shape shape, Tensor x, Tensor w, Tensor upstream)
    {
        long b = shape.Batch, g = shape.Groups, k = shape.Kernel;
        long perGroupOut = shape.Outputs / g, columns = shape.Inputs / g * k * k;
        var cols = nn.functional.unfold(x, k, 1, shape.Padding, shape.Stride);
        long positions = cols.shape[2];
        var grouped = cols.view(b, g, columns, positions);
        var weights = w.reshape(g, perGroupOut, columns);
        var dy = upstream.reshape(b, g, perGroupOut, positions);
        var output = weights.matmul(grouped).reshape(upstream.shape);
        var weightGradient = dy.matmul(grouped.transpose(2, 3)).sum(0L).reshape(w.shape);
        var columnGradient = weights.transpose(1, 2).matmul(dy).reshape(b, g * columns, positions);
        var inputGradient = nn.functional.fold(columnGradient, (shape.Side, shape.Side), (k, k), padding: (shape.Padding, shape.Padding),
            stride: (shape.Stride, shape.Stride));
        return (output, inputGradient, weightGradient);
    }

    static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Autograd(Shape shape, Tensor x, Tensor w, Tensor upstream)
    {
        var input = x.detach().requires_grad_();
        var weight = w.detach().requires_grad_();
        var output = nn.functional.conv2d(input, weight, null, strides: [shape.Stride, shape.Stride], padding: [shape.Padding, shape.Padding],
            groups: shape.Groups);
        output.backward([upstream]);
        return (output.detach(), input.grad!, weight.grad!);
    }

    /// <summary>A float64 tensor holding values that float32 represents exactly.</summary>
    static Tensor AsFloat32Values(Tensor values) => values.to(ScalarType.Float32).to(ScalarType.Float64);
}
