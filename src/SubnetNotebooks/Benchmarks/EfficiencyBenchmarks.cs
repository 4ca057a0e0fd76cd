using System.Globalization;
using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Benchmarks;

/// <summary>
/// The efficiency claims of the paper as ratios measured side by side in one process on synthetic Fashion-MNIST shaped
/// data: (a) masked / dense training step, (b) subnetwork-ensemble / MC-dropout training cost, (c) subnetwork-ensemble
/// inference / one dense forward pass, (d) the kit's SmallCnn step / PyTorch's, (e) resident memory after the last / the
/// first epoch, (f) data-pipeline / training-step throughput, (i) the CIFAR pipeline / ResNet-18 training (<see cref="PipelineBenchmark"/>);
/// (g, h, j, k) fused subnetworks, see <see cref="FusedBenchmarks"/>; (l) oneDNN's instruction-set caps, one row per cap
/// (<see cref="IsaBenchmark"/>); (s) the kit's SGD step / TorchSharp's.
/// </summary>
public sealed class EfficiencyBenchmarks(BenchmarkSettings settings)
{
    /// <summary>Every figure id in order.</summary>
    public static readonly string[] Ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "s"];
    const int Classes = 10;
    static readonly Normalization FashionMnist = new([0.2860f], [0.3530f]);

    /// <summary>Runs the selected figures in order, reporting each one's start to <paramref name="status"/>.</summary>
    public IEnumerable<BenchmarkFigure> Run(Action<string>? status = null)
    {
        settings.Validate();
        TorchRuntime.Ensure();
        TorchRuntime.SetThreads(settings.Threads);
        var fused = new FusedBenchmarks(settings);
        foreach (var id in Ids.Where(settings.Figures.Contains))
        {
            status?.Invoke(id);
            if (id == "l")
            {
                foreach (var row in new IsaBenchmark(settings).Run()) yield return row;
                continue;
            }
            yield return id switch
            {
                "a" => MaskedStep(),
                "b" => TrainingCost(),
                "c" => Inference(),
                "d" => PyTorchStep(),
                "e" => Memory(),
                "g" => fused.ResNetFusedVsParent(),
                "h" => fused.ResNetFusedVsThin(),
                "j" => fused.WideResNetFusedVsParent(),
                "k" => fused.MlpFusedVsDense(),
                "i" => new PipelineBenchmark(settings).Run(),
                "s" => OwnedScalarsStep(),
                _ => Pipeline(),
            };
        }
    }

    PrunableModel Create(long seed, double dropout = 0, string? kind = null, int[]? widths = null)
    {
        manual_seed(seed);
        return ModelFactory.Create(new ModelSpec(kind ?? settings.Model, widths ?? settings.Widths, dropout), 1, 28, 28, Classes);
    }

    static ImageDataset Synthetic(int count, long seed)
    {
        manual_seed(seed);
        return new ImageDataset("synthetic", randint(0, 256, [count, 1, 28, 28]).to(ScalarType.Byte), randint(0, Classes, [count]), Classes);
    }

    (Tensor X, Tensor Y) Batch(long seed)
    {
        manual_seed(seed);
        return (randn([settings.BatchSize, 1, 28, 28]).DetachFromDisposeScope(), randint(0, Classes, [settings.BatchSize]).DetachFromDisposeScope());
    }

    static Action Step(nn.Module<Tensor, Tensor> model, Sgd optimizer, Tensor x, Tensor y) => () =>
    {
        using var scope = NewDisposeScope();
        Trainer.Step(model, optimizer, x, y);
    };

    TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = settings.BatchSize, LearningRate = 0.05 };

    SubnetworkPartition Partition(PrunableModel model) =>
        Partitioner.Split(model, settings.Members, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, seed: 0);

    /// <summary>(a) A training step of the model under a subnetwork mask / the same step of the dense model.</summary>
    public BenchmarkFigure MaskedStep()
    {
        using var dense = Create(1);
        using var masked = dense.CloneModel();
        masked.ApplyMask(Partition(dense).MaskFor(0));
        using var denseOpt = Trainer.CreateOptimizer(dense, Options(1));
        using var maskedOpt = Trainer.CreateOptimizer(masked, Options(1));
        var (x, y) = Batch(2);
        dense.train(); masked.train();
        var t = BenchmarkHarness.SideBySide([Step(masked, maskedOpt, x, y), Step(dense, denseOpt, x, y)], settings.Warmup, settings.Repetitions);
        x.Dispose(); y.Dispose();
        var (m, d) = (BenchmarkHarness.Median(t[0]), BenchmarkHarness.Median(t[1]));
        return new("a", $"masked / dense training step ({Describe()})", m / d, 1.05, TargetKind.AtMost, Ms(m), Ms(d),
            $"mask keeps 1/{settings.Members} of the units; the masked weights still take part in the dense matmul");
    }

    /// <summary>
    /// (s) A training step with the kit's <see cref="Sgd"/> (owned Scalars) / the same step with TorchSharp 0.107's optim.SGD
    /// (temporary Scalars), on the cpu profile's MLP 784-512-512-10; the cpu-cnn profile's SmallCnn 16-32-64 in the notes.
    /// </summary>
    public BenchmarkFigure OwnedScalarsStep()
    {
        (double Kit, double TorchSharp) Time(string kind, int[] widths)
        {
            using var mine = Create(1, kind: kind, widths: widths);
            using var theirs = Create(1, kind: kind, widths: widths);
            using var kit = Trainer.CreateOptimizer(mine, Options(1));
            using var torchSharp = optim.SGD(theirs.parameters(), 0.05, 0.9, 0, 5e-4);
            var (x, y) = Batch(2);
            mine.train(); theirs.train();
            var t = BenchmarkHarness.SideBySide([Step(mine, kit, x, y), () =>
            {
                using var scope = NewDisposeScope();
                torchSharp.zero_grad();
                nn.functional.cross_entropy(theirs.call(x), y).backward();
                torchSharp.step();
            }], settings.Warmup, settings.Repetitions);
            x.Dispose(); y.Dispose();
            return (BenchmarkHarness.Median(t[0]), BenchmarkHarness.Median(t[1]));
        }
        var mlp = Time("mlp", [512, 512]);
        var cnn = Time("smallcnn", [16, 32, 64]);
        return new("s", "kit SGD / TorchSharp SGD training step (mlp[512,512])", mlp.Kit / mlp.TorchSharp, 1.05, TargetKind.AtMost, Ms(mlp.Kit), Ms(mlp.TorchSharp),
            $"SmallCnn 16-32-64: {Ms(cnn.Kit)} / {Ms(cnn.TorchSharp)} = {Ratio(cnn.Kit / cnn.TorchSharp)}; batch {settings.BatchSize}x1x28x28, {settings.Threads} threads");
    }

    /// <summary>(b) Training cost of the subnetwork ensemble (parent + fused members) / MC dropout's; the deep ensemble beside it.</summary>
    public BenchmarkFigure TrainingCost()
    {
        using var data = Synthetic(settings.TrainingSamples, 3);
        using var warm = Synthetic(2 * settings.BatchSize, 4);
        ModelRecipe recipe = (seed, dropout) => Create(seed, dropout);
        var options = Options(settings.TrainingEpochs);
        var phases = new List<(double Parent, double Members, SubnetworkExecution Execution)>();
        Action Fit(ImageDataset d, Func<IEnsemble> make, bool record = false) => () =>
        {
            var context = new EnsembleTrainingContext(new BatchIterator(d, settings.BatchSize, FashionMnist, shuffle: true, seed: 5), null, CPU);
            using var ensemble = make();
            ensemble.Fit(context);
            if (record && ensemble is SubnetworkEnsemble s && ReferenceEquals(d, data))
                phases.Add((s.TrainingRuns[0].Seconds, s.TrainingRuns.Skip(1).Sum(r => r.Seconds), s.Execution));
        };
        IEnsemble Mc() => new McDropout(recipe, options, settings.Members, 1, settings.Dropout);
        IEnsemble Subnet() => new SubnetworkEnsemble(recipe, options, options, new SubnetworkSettings(settings.Members), 1);
        IEnsemble Deep() => new DeepEnsemble(recipe, options, settings.Members, 1);
        foreach (var make in new Func<IEnsemble>[] { Mc, Subnet, Deep }) Fit(warm, make)();
        var t = BenchmarkHarness.SideBySide([Fit(data, Mc), Fit(data, Subnet, record: true), Fit(data, Deep)], 0, settings.TrainingRepetitions);
        var (mc, subnet, deep) = (BenchmarkHarness.Median(t[0]), BenchmarkHarness.Median(t[1]), BenchmarkHarness.Median(t[2]));
        var (parent, members, execution) = phases[^1];
        return new("b", $"subnetwork ensemble / MC dropout training (M = {settings.Members}, {settings.TrainingEpochs} epoch(s) each)", subnet / mc, 1.3,
            TargetKind.AtMost, S(subnet), S(mc),
            $"deep ensemble / MC dropout = {Ratio(deep / mc)}; subnet = parent {S(parent)} + {execution.ToString().ToLowerInvariant()} members {S(members)} " +
            $"(members / parent = {Ratio(members / parent)})");
    }

    /// <summary>(c) Inference of all M subnetworks (one fused pass) / one dense forward pass; MC dropout's M passes beside it.</summary>
    public BenchmarkFigure Inference()
    {
        using var dense = Create(1);
        var members = Partition(dense).Masks.Select(dense.Compact).ToArray();
        using var fused = FusedSubnetworks.WhyNotFusable(members) is null ? FusedSubnetworks.Fuse(members) : null;
        using var dropout = Create(2, settings.Dropout);
        dense.eval(); dropout.eval(); dropout.SetTestTimeDropout(true); fused?.eval();
        var (x, y) = Batch(6);
        Action Forward(Func<Tensor> f) => () => { using var scope = NewDisposeScope(); using var _ = no_grad(); f(); };
        var subnet = fused is not null
            ? Forward(() => fused.call(x))
            : Forward(() => stack(members.Select(m => m.call(x)).ToArray()));
        var mc = Forward(() => stack(Enumerable.Range(0, settings.Members).Select(_ => dropout.call(x)).ToArray()));
        var t = BenchmarkHarness.SideBySide([subnet, Forward(() => dense.call(x)), mc], settings.Warmup, settings.Repetitions);
        x.Dispose(); y.Dispose();
        foreach (var m in members) m.Dispose();
        var (s, d, mcd) = (BenchmarkHarness.Median(t[0]), BenchmarkHarness.Median(t[1]), BenchmarkHarness.Median(t[2]));
        return new("c", $"subnetwork ensemble (all {settings.Members}, {(fused is null ? "compact" : "fused")}) / one dense forward", s / d, 1.2,
            TargetKind.AtMost, Ms(s), Ms(d), $"MC dropout's {settings.Members} passes / one dense forward = {Ratio(mcd / d)}; batch {settings.BatchSize}");
    }

    /// <summary>(d) The kit's SmallCnn training step / the same model, batch and optimiser in PyTorch on the same CPU and threads.</summary>
    public BenchmarkFigure PyTorchStep()
    {
        var torchTiming = PyTorchReference.Measure(settings.Python, settings.Threads, settings.Warmup, settings.Repetitions, settings.CnnWidths,
            settings.BatchSize, Classes);
        using var model = Create(1, kind: "smallcnn", widths: settings.CnnWidths);
        using var optimizer = Trainer.CreateOptimizer(model, Options(1));
        var (x, y) = Batch(7);
        model.train();
        var kit = BenchmarkHarness.Median(BenchmarkHarness.Time(Step(model, optimizer, x, y), settings.Warmup, settings.Repetitions));
        x.Dispose(); y.Dispose();
        var reference = BenchmarkHarness.Median(torchTiming.Seconds);
        return new("d", $"kit / PyTorch SmallCnn[{string.Join(",", settings.CnnWidths)}] training step", kit / reference, 1.1, TargetKind.AtMost,
            Ms(kit), Ms(reference), $"PyTorch {torchTiming.Version} ({settings.Python}), {torchTiming.Threads} threads; TorchSharp {typeof(torch).Assembly.GetName().Version}");
    }

    /// <summary>(e) Resident memory after the last epoch / after the first epoch of one training run.</summary>
    public BenchmarkFigure Memory()
    {
        using var data = Synthetic(settings.MemorySamples, 8);
        using var model = Create(1);
        var resident = new Dictionary<int, long>();
        var observer = new TrainingObserver(onEpoch: e => resident[e.Epoch] = CostMeasurement.Snapshot().ResidentBytes);
        Trainer.Fit(model, new BatchIterator(data, settings.BatchSize, FashionMnist, shuffle: true, seed: 9), Options(settings.MemoryEpochs), CPU,
            "memory", observer: observer);
        var (first, last) = (resident[1], resident[settings.MemoryEpochs]);
        return new("e", $"resident memory after epoch {settings.MemoryEpochs} / after epoch 1", (double)last / first, 1.05, TargetKind.AtMost,
            Mb(last), Mb(first), $"{settings.MemoryEpochs} epochs of {settings.MemorySamples / settings.BatchSize} batches; {Describe()}");
    }

    /// <summary>(f) Batches per second of the data pipeline (shuffle, gather, scale, normalise) / training steps per second.</summary>
    public BenchmarkFigure Pipeline()
    {
        using var data = Synthetic(settings.PipelineSamples, 10);
        var iterator = new BatchIterator(data, settings.BatchSize, FashionMnist, shuffle: true, seed: 11);
        int epoch = 0;
        Action Epoch = () =>
        {
            using var scope = NewDisposeScope();
            foreach (var (images, labels) in iterator.Epoch(epoch++, CPU)) { images.Dispose(); labels.Dispose(); }
        };
        using var model = Create(1);
        using var optimizer = Trainer.CreateOptimizer(model, Options(1));
        var (x, y) = Batch(12);
        model.train();
        var t = BenchmarkHarness.SideBySide([Epoch, Step(model, optimizer, x, y)], 1, Math.Max(3, settings.Repetitions / 3));
        x.Dispose(); y.Dispose();
        var batch = BenchmarkHarness.Median(t[0]) / iterator.BatchesPerEpoch;
        var step = BenchmarkHarness.Median(t[1]);
        return new("f", "data pipeline batches/s / training steps/s", step / batch, 5, TargetKind.AtLeast,
            $"{1 / batch:N0} batches/s", $"{1 / step:N1} steps/s", $"{settings.PipelineSamples:N0} uint8 images, shuffled, batch {settings.BatchSize}; {Describe()}");
    }

    string Describe() => $"{settings.Model}[{string.Join(",", settings.Widths)}], batch {settings.BatchSize}, {settings.Threads} threads";
    static string Ms(double seconds) => BenchmarkTable.Milliseconds(seconds);
    static string S(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
    static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
    static string Ratio(double r) => r.ToString("0.00", CultureInfo.InvariantCulture);
}
