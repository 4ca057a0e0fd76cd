using System.Globalization;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Benchmarks;

/// <summary>
/// Fused subnetworks against their parent and against the same members run as thin networks one after another, one
/// training step each on the same batch size: (g) fused ResNet-18 members / parent, (h) fused / thin ResNet-18 members,
/// (j) fused WRN members / parent, (k) fused MLP members / dense MLP. Convolutional figures use CIFAR-shaped 3x32x32 batches.
/// </summary>
public sealed class FusedBenchmarks(BenchmarkSettings settings)
{
    const int Classes = 10;
    StepTimes? _resnet;

    /// <summary>Median seconds of one training step: the parent, the fused members (grouped; unfold + bmm) and the thin members one after another.</summary>
    sealed record StepTimes(string Model, double Parent, double Fused, double Unfold, double Thin, double FlopRatio);

    /// <summary>(g) A training step of the M fused ResNet-18 subnetworks (each on its own batch) / the parent's step on one batch.</summary>
    public BenchmarkFigure ResNetFusedVsParent()
    {
        var t = _resnet ??= Measure(ResNetSpec(), 3, 32);
        return new("g", $"fused {t.Model} members (M = {settings.Members}) / parent training step", t.Fused / t.Parent, 0.5, TargetKind.AtMost,
            Ms(t.Fused), Ms(t.Parent), Notes(t));
    }

    /// <summary>(h) The same fused ResNet-18 members / the same members as thin networks trained one after another.</summary>
    public BenchmarkFigure ResNetFusedVsThin()
    {
        var t = _resnet ??= Measure(ResNetSpec(), 3, 32);
        return new("h", $"fused / thin {t.Model} members one after another (M = {settings.Members})", t.Fused / t.Thin, 0.6, TargetKind.AtMost,
            Ms(t.Fused), Ms(t.Thin), Notes(t));
    }

    /// <summary>(j) A training step of the M fused WRN subnetworks / the parent WRN's step.</summary>
    public BenchmarkFigure WideResNetFusedVsParent()
    {
        var t = Measure(new ModelSpec("wrn", [], 0, settings.WrnDepth, settings.WrnWidthFactor), 3, 32);
        return new("j", $"fused {t.Model} members (M = {settings.Members}) / parent training step", t.Fused / t.Parent, 0.5, TargetKind.AtMost,
            Ms(t.Fused), Ms(t.Parent), Notes(t));
    }

    /// <summary>(k) A training step of the M fused MLP subnetworks / the dense MLP's step (both on Fashion-MNIST shaped batches).</summary>
    public BenchmarkFigure MlpFusedVsDense()
    {
        var t = Measure(new ModelSpec("mlp", settings.MlpWidths), 1, 28, thin: false);
        return new("k", $"fused {t.Model} members (M = {settings.Members}) / dense training step", t.Fused / t.Parent, 0.8, TargetKind.AtMost,
            Ms(t.Fused), Ms(t.Parent), $"FLOP ratio {Ratio(t.FlopRatio)}; batch {settings.ConvolutionBatchSize} per member and for the dense step, {settings.Threads} threads");
    }

    ModelSpec ResNetSpec() => new("resnet18", settings.ResNetWidths);

    StepTimes Measure(ModelSpec spec, int channels, int size, bool thin = true)
    {
        manual_seed(1);
        using var parent = ModelFactory.Create(spec, channels, size, size, Classes);
        var partition = Partitioner.Split(parent, settings.Members, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, seed: 0);
        var members = partition.Masks.Select(parent.Compact).ToArray();
        using var fused = FusedSubnetworks.Fuse(members);
        using var unfold = FusedSubnetworks.Fuse(members);
        unfold.Formulation = ConvolutionFormulation.UnfoldMatmul;
        var options = new TrainingOptions { Epochs = 1, BatchSize = settings.ConvolutionBatchSize, LearningRate = 0.05 };
        var models = new List<nn.Module<Tensor, Tensor>> { parent, fused, unfold };
        if (thin) models.AddRange(members);
        var optimizers = models.Select(m => Trainer.CreateOptimizer(m, options)).ToArray();
        foreach (var m in models) m.train();
        manual_seed(2);
        int b = settings.ConvolutionBatchSize, mCount = settings.Members;
        using var x = randn([b, channels, size, size]);
        using var y = randint(0, Classes, [b]);
        using var xs = randn([mCount, b, channels, size, size]);
        using var ys = randint(0, Classes, [mCount, b]);
        var steps = new List<Action>
        {
            () => Step(parent, optimizers[0], x, y),
            () => Step(fused, optimizers[1], xs, ys),
            () => Step(unfold, optimizers[2], xs, ys),
        };
        if (thin) steps.Add(() => { for (int k = 0; k < mCount; k++) Step(members[k], optimizers[3 + k], xs[k], ys[k]); });
        var t = BenchmarkHarness.SideBySide(steps, settings.ConvolutionWarmup, settings.ConvolutionRepetitions);
        var flopRatio = members.Sum(m => (double)m.FlopsPerExample()) / parent.FlopsPerExample();
        foreach (var o in optimizers) o.Dispose();
        foreach (var m in members) m.Dispose();
        var medians = t.Select(BenchmarkHarness.Median).ToArray();
        return new(Describe(spec), medians[0], medians[1], medians[2], thin ? medians[3] : double.NaN, flopRatio);
    }

    static void Step(nn.Module<Tensor, Tensor> model, Sgd optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        Trainer.Step(model, optimizer, x, y);
    }

    string Notes(StepTimes t) =>
        $"fused-unfold / parent = {Ratio(t.Unfold / t.Parent)}; thin members one after another / parent = {Ratio(t.Thin / t.Parent)}; " +
        $"FLOP ratio {Ratio(t.FlopRatio)}; batch {settings.ConvolutionBatchSize}x3x32x32 per member and for the parent, {settings.Threads} threads";

    static string Describe(ModelSpec spec) => spec.Kind switch
    {
        "wrn" => $"WRN-{spec.Depth}-{spec.WidthFactor}",
        "resnet18" => $"ResNet-18[{string.Join(",", spec.Widths)}]",
        _ => $"{spec.Kind}[{string.Join(",", spec.Widths)}]",
    };

    static string Ms(double seconds) => BenchmarkTable.Milliseconds(seconds);
    static string Ratio(double r) => r.ToString("0.00", CultureInfo.InvariantCulture);
}
