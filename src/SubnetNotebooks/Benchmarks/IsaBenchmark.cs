using System.Globalization;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Benchmarks;

/// <summary>
/// (l) oneDNN's instruction-set caps side by side, one row per cap of <see cref="OneDnnIsaProbe.Isas"/>: the convolution
/// gradient check (<see cref="ConvolutionGradientCheck"/>) in a child process per cap, then one step child per cap, all
/// alive at once and asked for training steps round by round (warm-up rounds first, order rotated every round), so every
/// cap's steps run under the same machine load. Each row's ratio is its SmallCnn step time over the AVX row's; the notes
/// give the ResNet-18 ratio and the check's errors.
/// </summary>
public sealed class IsaBenchmark(BenchmarkSettings settings)
{
    /// <summary>The cap every row is compared with: what the kit used on AVX-512 machines until 2026-12-06.</summary>
    public const string Baseline = "AVX";
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs the checks, then the interleaved steps; one figure per cap.</summary>
    public IEnumerable<BenchmarkFigure> Run()
    {
        var isas = OneDnnIsaProbe.Isas;
        var checks = isas.Select(isa => OneDnnIsaProbe.Check(settings.Launcher, isa, settings.Threads, Timeout)).ToArray();
        var models = OneDnnIsaProbe.StepModels;
        var seconds = isas.Select(_ => models.Select(_ => new List<double>()).ToArray()).ToArray();
        var children = new List<OneDnnIsaProbe.StepChild>();
        try
        {
            foreach (var isa in isas) children.Add(new OneDnnIsaProbe.StepChild(settings.Launcher, isa, settings.Threads, Timeout));
            var steps = new List<Action>();
            for (int c = 0; c < isas.Length; c++)
                for (int m = 0; m < models.Length; m++)
                {
                    var (child, model, times) = (children[c], models[m].Name, seconds[c][m]);
                    steps.Add(() => times.Add(child.Step(model)));
                }
            BenchmarkHarness.SideBySide(steps, settings.Warmup, settings.Repetitions);
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }
        var median = seconds.Select(perModel => perModel.Select(t => BenchmarkHarness.Median(t.Skip(settings.Warmup).ToArray())).ToArray()).ToArray();
        var baseline = Array.IndexOf(isas, Baseline);
        for (int c = 0; c < isas.Length; c++)
        {
            var (cnn, resnet) = (median[c][0], median[c][1]);
            yield return new("l", $"oneDNN at {isas[c]}: {models[0].Description} training step / at {Baseline}", cnn / median[baseline][0], 1,
                TargetKind.Reported, Ms(cnn), Ms(median[baseline][0]),
                $"{models[1].Description} step / at {Baseline} = {BenchmarkTable.FormatRatio(resnet / median[baseline][1])} ({Ms(resnet)} / {Ms(median[baseline][1])}); " +
                $"{Describe(checks[c])}; {settings.Threads} threads");
        }
    }

    /// <summary>The check's verdict, errors, and what oneDNN said it ran.</summary>
    static string Describe(IsaCheckReport report)
    {
        var check = report.Check;
        var verdict = check.Exact ? "exact" : $"**{check.Failures.Length} WRONG**, first: {check.Failures[0]}";
        return $"convolution check of {check.Shapes} shapes: {verdict}, max relative error {E(check.Error)} (output {E(check.OutputError)}, " +
               $"input gradient {E(check.InputError)}, weight gradient {E(check.WeightError)}; float64 reference vs formula {E(check.ReferenceError)}); " +
               $"cap set: {report.Applied ?? "none"}; oneDNN isa: {report.Detected ?? "not reported"}; kernels: {(report.Kernels.Length == 0 ? "none seen" : string.Join(" ", report.Kernels))}";
    }

    static string E(double value) => value.ToString("0.0E+0", CultureInfo.InvariantCulture);
    static string Ms(double seconds) => BenchmarkTable.Milliseconds(seconds);
}
