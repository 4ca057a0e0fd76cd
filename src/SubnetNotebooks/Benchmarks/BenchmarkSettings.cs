namespace SubnetNotebooks.Benchmarks;

/// <summary>
/// What <see cref="EfficiencyBenchmarks"/> measures and how long: the cpu profile's setting by default (Fashion-MNIST
/// shaped 1x28x28 synthetic images, 10 classes, MLP 784-512-512-10, M = 4, batch 128, 2 threads).
/// </summary>
public sealed record BenchmarkSettings
{
    /// <summary>
    /// Figures to run, by id: a (masked step), b (training cost), c (inference), d (PyTorch), e (memory), f (data pipeline),
    /// g (fused ResNet-18 / parent), h (fused / thin ResNet-18 members), i (CIFAR pipeline / ResNet-18),
    /// j (fused WRN / parent), k (fused MLP / dense), l (oneDNN instruction-set caps).
    /// </summary>
    public string[] Figures { get; init; } = EfficiencyBenchmarks.Ids;
    /// <summary>Model family of figures a, b, c, e, f: mlp, smallcnn or resnet18.</summary>
    public string Model { get; init; } = "mlp";
    /// <summary>Widths of that model (MLP hidden sizes or SmallCnn channels).</summary>
    public int[] Widths { get; init; } = [512, 512];
    /// <summary>SmallCnn channels of figure d (kit vs PyTorch).</summary>
    public int[] CnnWidths { get; init; } = [32, 64, 128];
    /// <summary>Ensemble size M.</summary>
    public int Members { get; init; } = 4;
    /// <summary>Dropout rate of the MC-dropout model.</summary>
    public double Dropout { get; init; } = 0.2;
    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>libtorch CPU threads (and the PyTorch reference's).</summary>
    public int Threads { get; init; } = 2;
    /// <summary>Untimed runs before timing each step-level figure.</summary>
    public int Warmup { get; init; } = 3;
    /// <summary>Timed repetitions of each step-level figure; the median counts.</summary>
    public int Repetitions { get; init; } = 15;
    /// <summary>Training samples of figure b (total training cost).</summary>
    public int TrainingSamples { get; init; } = 2560;
    /// <summary>Epochs of every training run in figure b (MC dropout, parent, subnetworks, deep members alike).</summary>
    public int TrainingEpochs { get; init; } = 1;
    /// <summary>Timed repetitions of figure b.</summary>
    public int TrainingRepetitions { get; init; } = 1;
    /// <summary>Epochs of the training run whose memory figure e follows.</summary>
    public int MemoryEpochs { get; init; } = 20;
    /// <summary>Training samples of figure e.</summary>
    public int MemorySamples { get; init; } = 1280;
    /// <summary>Timed ResNet-18 training steps of figure i (after one warm-up step).</summary>
    public int ResNetRepetitions { get; init; } = 3;
    /// <summary>Samples the data pipelines of figures f and i batch.</summary>
    public int PipelineSamples { get; init; } = 12800;
    /// <summary>ResNet-18 stage widths of figures g, h and i (the paper's are 64, 128, 256, 512).</summary>
    public int[] ResNetWidths { get; init; } = [32, 64, 128, 256];
    /// <summary>WRN depth of figure j.</summary>
    public int WrnDepth { get; init; } = 16;
    /// <summary>WRN width factor of figure j.</summary>
    public int WrnWidthFactor { get; init; } = 4;
    /// <summary>MLP hidden widths of figure k.</summary>
    public int[] MlpWidths { get; init; } = [512, 512];
    /// <summary>Images per batch in figures g, h, j, k (each member's batch and the parent's).</summary>
    public int ConvolutionBatchSize { get; init; } = 64;
    /// <summary>Untimed rounds before timing figures g, h, j, k.</summary>
    public int ConvolutionWarmup { get; init; } = 1;
    /// <summary>Timed rounds of figures g, h, j, k; the median counts.</summary>
    public int ConvolutionRepetitions { get; init; } = 5;
    /// <summary>Python with torch for figure d.</summary>
    public string Python { get; init; } = PyTorchReference.DefaultPython;
    /// <summary>The command that runs the subnet CLI, one word each: figure l starts it once per oneDNN cap (empty: figure l cannot run).</summary>
    public IReadOnlyList<string> Launcher { get; init; } = [];

    /// <summary>Throws an error naming the setting and the fix for settings no run can use.</summary>
    public void Validate()
    {
        var unknown = Figures.Where(f => !EfficiencyBenchmarks.Ids.Contains(f)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"Unknown benchmark figure(s) {string.Join(", ", unknown)}; use any of {string.Join(",", EfficiencyBenchmarks.Ids)} (--only a,c).");
        if (Model is not ("mlp" or "smallcnn" or "resnet18")) throw new ArgumentException($"Benchmark model '{Model}' is not supported; use mlp, smallcnn or resnet18 (--model).");
        if (Widths.Any(w => w < Members)) throw new ArgumentException($"Widths [{string.Join(", ", Widths)}] are narrower than M = {Members}; every subnetwork needs a unit per layer.");
        if (Members < 1 || BatchSize < 1 || Threads < 1 || Repetitions < 1 || Warmup < 0 || TrainingRepetitions < 1 || TrainingEpochs < 1 || MemoryEpochs < 2
            || ResNetRepetitions < 1 || ConvolutionBatchSize < 1 || ConvolutionRepetitions < 1 || ConvolutionWarmup < 0)
            throw new ArgumentException("members, batch size, threads, repetitions and epochs must be positive (memory epochs >= 2), warm-up >= 0.");
        if (TrainingSamples < BatchSize || MemorySamples < BatchSize || PipelineSamples < BatchSize)
            throw new ArgumentException($"Every sample count must hold at least one batch of {BatchSize}.");
        if (Figures.Contains("l") && Launcher.Count == 0)
            throw new ArgumentException("Figure l compares oneDNN caps in child processes of the subnet CLI; run it as `subnet bench --only l`.");
    }
}
