namespace SubnetNotebooks.Experiments;

/// <summary>One training run of a method as the full experiment will do it.</summary>
/// <param name="Method">the method, e.g. "subnet"</param>
/// <param name="Run">the run's checkpoint name, e.g. "subnet/parent", "deep/3", "subnet/fused"</param>
/// <param name="Epochs">epochs of this run</param>
/// <param name="StepsPerEpoch">optimiser steps of one epoch over the full training split</param>
/// <param name="SecondsPerStep">measured seconds of one step on this device (0: not timed)</param>
public sealed record PlannedRun(string Method, string Run, int Epochs, int StepsPerEpoch, double SecondsPerStep)
{
    /// <summary>Epochs x steps per epoch.</summary>
    public long Steps => (long)Epochs * StepsPerEpoch;
    /// <summary>Estimated wall time of the run: steps x measured step time.</summary>
    public double EstimatedSeconds => Steps * SecondsPerStep;
}

/// <summary>One method of the plan: what it stores and computes, and its training runs.</summary>
/// <param name="Method">the method name</param>
/// <param name="Members">members M (passes for MC dropout)</param>
/// <param name="Parameters">stored parameters of all members together</param>
/// <param name="FlopsPerExample">floating-point operations to predict one example with all members</param>
/// <param name="Runs">its training runs, in order</param>
public sealed record PlannedMethod(string Method, int Members, long Parameters, long FlopsPerExample, IReadOnlyList<PlannedRun> Runs)
{
    /// <summary>Estimated wall time of every run of the method.</summary>
    public double EstimatedSeconds => Runs.Sum(r => r.EstimatedSeconds);
}

/// <summary>
/// What one experiment will do before it starts: every training run with its epochs and steps, each method's
/// parameters and FLOPs, the run folder, and an estimate of the wall time from a few timed steps of each network
/// on the current device. Evaluation (test, validation, OOD, corruptions) is not in the estimate.
/// </summary>
/// <param name="Config">the experiment</param>
/// <param name="RunFolder">where the run folder will be</param>
/// <param name="TrainImages">training images of one epoch (the training split less the validation samples, capped by trainSamples)</param>
/// <param name="Device">the device the steps were timed on, e.g. "cpu (2 threads)" or "cuda"</param>
/// <param name="Methods">every configured method, in order</param>
/// <param name="Notes">what the estimate rests on beyond the timing: a reduced timing batch, the FLOPs of other stems</param>
public sealed record RunPlan(ExperimentConfig Config, string RunFolder, int TrainImages, string Device, IReadOnlyList<PlannedMethod> Methods,
    IReadOnlyList<string>? Notes = null)
{
    /// <summary>Every training run of every method, in order.</summary>
    public IEnumerable<PlannedRun> Runs => Methods.SelectMany(m => m.Runs);
    /// <summary>Estimated wall time of all training.</summary>
    public double EstimatedSeconds => Methods.Sum(m => m.EstimatedSeconds);

    /// <summary>A duration as "3 d 4 h", "2 h 05 min", "4 min 10 s" or "12.3 s".</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        if (t.TotalDays >= 1) return $"{(int)t.TotalDays} d {t.Hours} h";
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours} h {t.Minutes:00} min";
        if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes} min {t.Seconds:00} s";
        return $"{seconds:F1} s";
    }
}
