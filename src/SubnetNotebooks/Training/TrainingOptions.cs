namespace SubnetNotebooks.Training;

/// <summary>How the learning rate changes over epochs.</summary>
public enum LearningRateSchedule
{
    /// <summary>The base rate throughout.</summary>
    Constant,
    /// <summary>Cosine annealing from the base rate to 0 over all epochs.</summary>
    Cosine,
    /// <summary>Multiplied by <see cref="TrainingOptions.StepGamma"/> at each milestone epoch.</summary>
    Step,
}

/// <summary>Everything that decides one training run: SGD with momentum and weight decay, a schedule, label smoothing.</summary>
public sealed record TrainingOptions
{
    /// <summary>Epochs of the run, each one pass over the training batches (or <see cref="MaxBatchesPerEpoch"/> of them).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Samples per training batch (&gt; 0).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Base SGD learning rate (&gt; 0), before warm-up and schedule.</summary>
    public double LearningRate { get; init; } = 0.05;
    /// <summary>SGD momentum, in [0, 1).</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Nesterov momentum (true, needs momentum &gt; 0) or classical momentum (false).</summary>
    public bool Nesterov { get; init; }
    /// <summary>SGD weight decay, added to each gradient as decay x weight (0: none).</summary>
    public double WeightDecay { get; init; } = 5e-4;
    /// <summary>How the learning rate changes over the epochs after warm-up.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    /// <summary>Epochs (0-based) after which a step schedule multiplies the rate by <see cref="StepGamma"/>.</summary>
    public int[] StepMilestones { get; init; } = [];
    /// <summary>Factor a step schedule multiplies the rate by at each of <see cref="StepMilestones"/>.</summary>
    public double StepGamma { get; init; } = 0.1;
    /// <summary>Label smoothing of the cross-entropy loss (0: none).</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Epochs of linear warm-up from 0 to the base rate (0: none).</summary>
    public int WarmupEpochs { get; init; }
    /// <summary>Stop each epoch after this many batches (0: the whole epoch); for smoke runs.</summary>
    public int MaxBatchesPerEpoch { get; init; }

    /// <summary>The learning rate used during <paramref name="epoch"/> (0-based).</summary>
    public double LearningRateAt(int epoch)
    {
        if (epoch < WarmupEpochs) return LearningRate * (epoch + 1) / (WarmupEpochs + 1);
        return Schedule switch
        {
            LearningRateSchedule.Constant => LearningRate,
            LearningRateSchedule.Cosine => 0.5 * LearningRate * (1 + Math.Cos(Math.PI * (epoch - WarmupEpochs) / Math.Max(1, Epochs - WarmupEpochs))),
            LearningRateSchedule.Step => LearningRate * Math.Pow(StepGamma, StepMilestones.Count(m => epoch >= m)),
            _ => throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, "unknown schedule"),
        };
    }

    /// <summary>Throws a clear error for settings no run can use.</summary>
    public void Validate(string who = "training")
    {
        if (Epochs < 0) throw new ArgumentException($"{who}: epochs must be >= 0, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"{who}: batch size must be > 0, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"{who}: learning rate must be a positive number, got {LearningRate}.");
        if (Momentum is < 0 or >= 1) throw new ArgumentException($"{who}: momentum must be in [0, 1), got {Momentum}.");
        if (WeightDecay < 0) throw new ArgumentException($"{who}: weight decay must be >= 0, got {WeightDecay}.");
        if (LabelSmoothing is < 0 or >= 1) throw new ArgumentException($"{who}: label smoothing must be in [0, 1), got {LabelSmoothing}.");
    }
}
