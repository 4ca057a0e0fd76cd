using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>What every ensemble needs to train: data, device, where checkpoints go, who hears progress.</summary>
/// <param name="Train">shuffled, seeded training batches</param>
/// <param name="Validation">held-out batches evaluated after every epoch (null: none)</param>
/// <param name="Device">where models and batches live</param>
/// <param name="CheckpointRoot">folder under which each member keeps its checkpoint (null: no checkpoints)</param>
/// <param name="Observer">progress per batch and per epoch</param>
/// <param name="Cancellation">stops between batches</param>
/// <param name="Executions">where execution=auto reads and records its choice (null: timed every time, recorded nowhere)</param>
public sealed record EnsembleTrainingContext(BatchIterator Train, BatchIterator? Validation, Device Device,
    string? CheckpointRoot = null, ITrainingObserver? Observer = null, CancellationToken Cancellation = default, ExecutionRecord? Executions = null)
{
    /// <summary>The checkpoint folder of one training run (null when checkpoints are off).</summary>
    public string? CheckpointFor(string run) => CheckpointRoot is null ? null : Path.Combine(CheckpointRoot, run.Replace('/', Path.DirectorySeparatorChar));
}

/// <summary>
/// One contract for every method: train, then predict member probabilities [M, N, C]
/// (the ensemble's prediction is their mean over M).
/// </summary>
public interface IEnsemble : IDisposable
{
    /// <summary>Method name as used by --methods: single, mcdropout, deep, subnet, ...</summary>
    string Method { get; }
    /// <summary>Number of members M (MC-dropout passes for mcdropout).</summary>
    int Members { get; }
    /// <summary>Trains every member, resuming from checkpoints where they exist.</summary>
    void Fit(EnsembleTrainingContext context);
    /// <summary>Member softmax outputs over <paramref name="data"/>, in order.</summary>
    /// <returns>float32 [M, N, C] on the CPU</returns>
    Tensor PredictMembers(BatchIterator data, Device device);
    /// <summary>
    /// Member logits (the pre-softmax outputs) over <paramref name="data"/>, in order: <see cref="PredictMembers"/> is their
    /// softmax over classes, so one call gives both. Null for an ensemble that gives probabilities only.
    /// </summary>
    /// <returns>float32 [M, N, C] on the CPU, or null</returns>
    Tensor? PredictMemberLogits(BatchIterator data, Device device) => null;
    /// <summary>Stored parameters of all members together (masked weights not counted).</summary>
    long Parameters { get; }
    /// <summary>Floating-point operations to predict one example with all members.</summary>
    long FlopsPerExample { get; }
    /// <summary>
    /// Floating-point operations the kit's implementation actually computes to predict one example with all members:
    /// <see cref="FlopsPerExample"/> except where members run the dense network under a mask (Masksembles, the overlap
    /// ensemble). MC dropout's M passes are dense in both counts (its random masks change with every example).
    /// </summary>
    long ExecutedFlopsPerExample => FlopsPerExample;
    /// <summary>
    /// Floating-point operations spent training, as executed: every training run's examples (counted per step) x forward + backward
    /// FLOPs of the network that run trained (<see cref="TrainingCost"/>; for the joint ensembles
    /// <see cref="Models.EnsembleNetwork.TrainingFlopsPerExample"/>). Null where the kit does not count them.
    /// </summary>
    double? TrainingFlops => null;
    /// <summary>Every training run of this ensemble (parent first where there is one).</summary>
    IReadOnlyList<TrainingResult> TrainingRuns { get; }
}

/// <summary>Summaries shared by the ensembles.</summary>
public static class EnsembleExtensions
{
    /// <summary>Seconds spent training, summed over epochs of every run (including epochs done before a resume).</summary>
    public static double TrainingSeconds(this IEnsemble ensemble) =>
        ensemble.TrainingRuns.Sum(r => r.History.Sum(h => h.Seconds));

    /// <summary>Softmax over classes of member logits [M, N, C] (which it disposes): what PredictMembers returns.</summary>
    public static Tensor MemberProbabilities(Tensor memberLogits)
    {
        using var held = HeldTensors.Hold();
        using (memberLogits) return nn.functional.softmax(memberLogits, 2);
    }
}
