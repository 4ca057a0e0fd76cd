using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The deep ensemble at MC dropout's training cost ("deep-budget"): M members of MC dropout's network, each trained E / M epochs
/// (rounded, at least 1). A member is MC dropout's network on as many batches per epoch, so an epoch of it costs an MC-dropout
/// epoch in both currencies: the FLOPs are equal by count, and the seconds are taken to be, as subnet-budget takes its parent's.
/// It reports its cost against MC dropout's in FLOPs and, where MC dropout's seconds are known, in seconds (<see cref="BudgetReport"/>).
/// </summary>
/// <param name="recipe">the model family</param>
/// <param name="referenceOptions">MC dropout's options (its epochs E); the members train with them at E / M epochs</param>
/// <param name="members">M</param>
/// <param name="seed">run seed</param>
/// <param name="referenceSeconds">MC dropout's measured training seconds, or null when this run cannot read them</param>
/// <param name="currency">the currency the equal-budget rows of this run use (reported as budget.currency_flops)</param>
public sealed class BudgetedDeepEnsemble(ModelRecipe recipe, TrainingOptions referenceOptions, int members, long seed, Func<double?> referenceSeconds,
    BudgetCurrency currency = BudgetCurrency.Flops) : IEnsemble, IBudgetedEnsemble
{
    /// <summary>The method name, also the checkpoint prefix.</summary>
    public const string Name = "deep-budget";
    readonly DeepEnsemble _inner = new(recipe, referenceOptions with { Epochs = MemberEpochs(referenceOptions.Epochs, members) }, members, seed, method: Name);
    double _referenceFlops;

    /// <summary>Epochs of each member: E / M rounded half away from zero, at least 1, so the M members together train about E epochs.</summary>
    public static int MemberEpochs(int referenceEpochs, int members) =>
        Math.Max(1, (int)Math.Round((double)referenceEpochs / members, MidpointRounding.AwayFromZero));

    /// <inheritdoc/>
    public string Method => Name;
    /// <inheritdoc/>
    public int Members => members;
    /// <summary>The trained deep ensemble.</summary>
    public DeepEnsemble Ensemble => _inner;

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        _inner.Fit(context);
        long examples = TrainingCost.ExamplesPerEpoch(context.Train.Data.Count, context.Train.BatchSize, context.Train.DropLast, referenceOptions.MaxBatchesPerEpoch);
        _referenceFlops = (double)referenceOptions.Epochs * examples * TrainingCost.ForwardAndBackward * _inner.Models[0].FlopsPerExample();
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> BudgetMetrics =>
        _referenceFlops > 0
            ? BudgetReport.Metrics(currency, _referenceFlops, TrainingFlops ?? 0, referenceSeconds(), this.TrainingSeconds(), 0, MemberEpochs(referenceOptions.Epochs, members))
            : throw new InvalidOperationException($"{Name}: call Fit first.");

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => _inner.PredictMembers(data, device);
    /// <inheritdoc/>
    public Tensor PredictMemberLogits(BatchIterator data, Device device) => _inner.PredictMemberLogits(data, device);
    /// <inheritdoc/>
    public long Parameters => _inner.Parameters;
    /// <inheritdoc/>
    public long FlopsPerExample => _inner.FlopsPerExample;
    /// <inheritdoc/>
    public double? TrainingFlops => _inner.TrainingFlops;
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _inner.TrainingRuns;
    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
