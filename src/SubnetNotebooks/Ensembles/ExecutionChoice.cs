using SubnetNotebooks.Benchmarks;
using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The execution that trained a subnetwork ensemble's members and, when it was chosen automatically, the median
/// training-step seconds of every candidate timed (all M members, one batch each, on the run's device).
/// </summary>
/// <param name="Used">the execution that trained the members</param>
/// <param name="StepSeconds">candidate -> median seconds of one training step of all M members; empty when forced</param>
/// <param name="Recorded">true when the choice was read from an execution record (<see cref="ExecutionRecord"/>) rather than timed now</param>
public sealed record ExecutionChoice(SubnetworkExecution Used, IReadOnlyDictionary<SubnetworkExecution, double> StepSeconds, bool Recorded = false)
{
    /// <summary>Untimed steps before the timed ones (first-call allocation, kernel selection).</summary>
    public const int WarmupSteps = 1;
    /// <summary>Timed training steps per candidate; the median counts.</summary>
    public const int TimedSteps = 3;

    /// <summary>
    /// Bytes of the unfolded inputs that one training step of fused-unfold keeps for backward: for every convolution of
    /// every member, batch x in x k x k x H_out x W_out floats (the [M, in * k * k, batch * H_out * W_out] operand of its bmm).
    /// </summary>
    public static long UnfoldBytes(IReadOnlyList<PrunableModel> members, int batch) =>
        members.Sum(m => m.MaskedLayers.Where(l => l is MaskedConv2d)
            .Sum(l => (long)batch * l.InputUnits * l.KernelArea * l.Positions * sizeof(float)));

    /// <summary>
    /// Whether fused-unfold may be timed: its unfolded inputs (<see cref="UnfoldBytes"/>) within a quarter of this
    /// machine's memory and at most 4 GiB. A WRN-28-10 batch of 128 would need about 10 GiB and, on a 24 GiB machine,
    /// took the process past its memory; auto then times only fused and compact.
    /// </summary>
    public static bool UnfoldFits(IReadOnlyList<PrunableModel> members, int batch, long memoryBytes) =>
        UnfoldBytes(members, batch) <= Math.Min(4L << 30, memoryBytes / 4);

    /// <summary>The execution's config name: auto, fused, fused-unfold, compact, masked.</summary>
    public static string NameOf(SubnetworkExecution execution) => execution == SubnetworkExecution.FusedUnfold ? "fused-unfold" : execution.ToString().ToLowerInvariant();

    /// <summary>The execution named <paramref name="name"/> (<see cref="NameOf"/>'s names); another name is an error listing them.</summary>
    public static SubnetworkExecution Parse(string name)
    {
        foreach (var execution in Enum.GetValues<SubnetworkExecution>())
            if (NameOf(execution) == name.Trim().ToLowerInvariant()) return execution;
        throw new ArgumentException($"execution '{name}' is unknown: use {string.Join(", ", Enum.GetValues<SubnetworkExecution>().Select(NameOf))}.");
    }

    /// <summary>The default step timer: <see cref="WarmupSteps"/> untimed steps, then the median of <see cref="TimedSteps"/> timed ones.</summary>
    public static double MedianStepSeconds(Action step) => BenchmarkHarness.Median(BenchmarkHarness.Time(step, WarmupSteps, TimedSteps));

    /// <summary>
    /// Adds "cost.execution.NAME" = 1 for the execution used, "cost.execution.NAME.step_ms" for every candidate timed,
    /// "cost.execution.timed" (1 when chosen by timing, now or earlier; 0 when forced) and "cost.execution.recorded" (1 when the
    /// timing was read from an execution record, 0 when made in this run).
    /// </summary>
    public void AddTo(IDictionary<string, double> into)
    {
        into[$"cost.execution.{NameOf(Used)}"] = 1;
        into["cost.execution.timed"] = StepSeconds.Count > 0 ? 1 : 0;
        into["cost.execution.recorded"] = Recorded ? 1 : 0;
        foreach (var (candidate, seconds) in StepSeconds) into[$"cost.execution.{NameOf(candidate)}.step_ms"] = seconds * 1000;
    }

    /// <summary>
    /// Times <see cref="TimedSteps"/> training steps of every candidate on throwaway copies of <paramref name="members"/>
    /// (dropout off, so no random numbers are drawn; the global generator's state is restored afterwards) and keeps the fastest.
    /// </summary>
    /// <param name="members">the thin compacted members, on <paramref name="device"/>; left unchanged</param>
    /// <param name="trains">each member's batch stream; the first batch of epoch 1 is timed</param>
    /// <param name="options">the members' optimiser settings</param>
    /// <param name="device">the run's device</param>
    /// <param name="candidates">executions to time: Fused, FusedUnfold and/or Compact</param>
    /// <param name="stepTimer">times one step (null: <see cref="MedianStepSeconds"/>)</param>
    public static ExecutionChoice Measure(IReadOnlyList<PrunableModel> members, IReadOnlyList<BatchIterator> trains, TrainingOptions options,
        Device device, IReadOnlyList<SubnetworkExecution> candidates, Func<Action, double>? stepTimer = null)
    {
        var timer = stepTimer ?? MedianStepSeconds;
        using var rng = Generator.Default.get_state();
        var seconds = new Dictionary<SubnetworkExecution, double>();
        var batches = trains.Select(t => t.Epoch(0, device).First()).ToArray();
        try
        {
            foreach (var candidate in candidates)
                seconds[candidate] = candidate == SubnetworkExecution.Compact ? TimeCompact(members, batches, options, timer) : TimeFused(members, batches, options, candidate, timer);
        }
        finally
        {
            foreach (var (x, y) in batches) { x.Dispose(); y.Dispose(); }
            Generator.Default.set_state(rng);
        }
        return Fastest(seconds);
    }

    /// <summary>The choice of the candidate with the fewest step seconds (the first listed on a tie).</summary>
    /// <param name="stepSeconds">candidate -> median seconds of one training step of all M members; at least one</param>
    public static ExecutionChoice Fastest(IReadOnlyDictionary<SubnetworkExecution, double> stepSeconds)
    {
        if (stepSeconds.Count == 0)
            throw new ArgumentException("No execution was timed, so none can be chosen; time at least one of Fused, FusedUnfold and Compact.", nameof(stepSeconds));
        return new(stepSeconds.MinBy(kv => kv.Value).Key, stepSeconds);
    }

    static double TimeFused(IReadOnlyList<PrunableModel> members, (Tensor X, Tensor Y)[] batches, TrainingOptions options, SubnetworkExecution candidate,
        Func<Action, double> timer)
    {
        using var fused = FusedSubnetworks.Fuse(members);
        fused.Formulation = candidate == SubnetworkExecution.FusedUnfold ? ConvolutionFormulation.UnfoldMatmul : ConvolutionFormulation.Grouped;
        using var optimizer = Trainer.CreateOptimizer(fused, options);
        TrainWithoutDropout(fused);
        using var x = stack(batches.Select(b => b.X).ToArray(), 0);
        using var y = stack(batches.Select(b => b.Y).ToArray(), 0);
        return timer(() => Step(fused, optimizer, x, y));
    }

    static double TimeCompact(IReadOnlyList<PrunableModel> members, (Tensor X, Tensor Y)[] batches, TrainingOptions options, Func<Action, double> timer)
    {
        var copies = members.Select(m => m.CloneModel()).ToArray();
        var optimizers = copies.Select(c => Trainer.CreateOptimizer(c, options)).ToArray();
        try
        {
            foreach (var c in copies) TrainWithoutDropout(c);
            return timer(() =>
            {
                for (int k = 0; k < copies.Length; k++) Step(copies[k], optimizers[k], batches[k].X, batches[k].Y);
            });
        }
        finally
        {
            foreach (var o in optimizers) o.Dispose();
            foreach (var c in copies) c.Dispose();
        }
    }

    static void Step(nn.Module<Tensor, Tensor> model, Sgd optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        Trainer.Step(model, optimizer, x, y, 0).Loss.item<float>(); // item() waits for the device
    }

    /// <summary>Training mode (batch statistics) with every dropout module in eval mode, so timing draws no random numbers.</summary>
    static void TrainWithoutDropout(nn.Module model)
    {
        model.train();
        foreach (var d in model.modules().Where(m => m is Dropout or SeededDropout)) d.eval();
    }
}
