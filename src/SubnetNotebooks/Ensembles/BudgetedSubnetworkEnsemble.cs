using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The subnetwork ensemble at MC dropout's training cost ("subnet-budget"), in the configured currency
/// (<see cref="BudgetCurrency"/>).
/// <para>FLOPs (the default): MC dropout's training FLOPs are E epochs x its examples per epoch x 3 x its forward FLOPs
/// (<see cref="TrainingCost"/>); a parent epoch costs the same per example (the same network); an epoch of the M members costs
/// their forward FLOPs as executed (<see cref="SubnetworkEnsemble.MemberForwardFlops"/>). The parent epochs P come from the split of
/// the untrained parent (<see cref="TrainingBudget.Split"/>), the member epochs S from the trained parent's split
/// (<see cref="TrainingBudget.MemberEpochsFor"/>). Nothing is timed: the same config gives the same P and S on every machine.</para>
/// <para>Seconds (budgetCurrency=seconds): a short timing of a few steps of the MC-dropout network, the parent and all M members
/// gives their per-epoch costs relative to each other; scaled to MC dropout's measured seconds per epoch, they give P. When MC
/// dropout's training was measured (this run, or the MC-dropout job a sweep made this one wait for), a parent epoch is taken to
/// cost exactly what an MC-dropout epoch cost. Then the parent trains its P epochs and the members one epoch, and S is set from
/// those measured seconds; the members go on from their first epoch to S. A short timing alone was measured 15 % off on a 2-core
/// machine, and a busy machine trains fewer member epochs than an idle one.</para>
/// The member learning rate of the first epoch does not depend on S (it is set per epoch), so a split made in two steps is the
/// uninterrupted run at S epochs. The split is saved in checkpoints/&lt;method&gt;/budget.json (MembersMeasured false until S is
/// set) and reused on resume, in the currency it was made in.
/// </summary>
/// <param name="recipe">the model family</param>
/// <param name="parentOptions">the parent's options; its epochs set the P : S ratio that the budget scales</param>
/// <param name="memberOptions">the subnetworks' options; its epochs set the P : S ratio</param>
/// <param name="settings">criterion, partition, granularity, inherit, execution</param>
/// <param name="seed">run seed</param>
/// <param name="parentDropout">dropout of the parent</param>
/// <param name="referenceOptions">MC dropout's options (its epochs E)</param>
/// <param name="referenceDropout">MC dropout's rate</param>
/// <param name="referenceSeconds">MC dropout's measured training seconds over its E epochs, or null when it has not trained where this
/// run can read it (seconds: the budget is then estimated from the timing)</param>
/// <param name="currency">what the budget counts</param>
/// <param name="timingBatches">seconds: steps timed per network (after as many warm-up steps)</param>
public sealed class BudgetedSubnetworkEnsemble(ModelRecipe recipe, TrainingOptions parentOptions, TrainingOptions memberOptions,
    SubnetworkSettings settings, long seed, double parentDropout, TrainingOptions referenceOptions, double referenceDropout,
    Func<double?> referenceSeconds, BudgetCurrency currency = BudgetCurrency.Flops, int timingBatches = 30) : IEnsemble, IBudgetedEnsemble
{
    /// <summary>The method name, also the checkpoint prefix.</summary>
    public const string Name = "subnet-budget";
    SubnetworkEnsemble? _inner;
    double _referenceFlops;

    /// <inheritdoc/>
    public string Method => Name;
    /// <inheritdoc/>
    public int Members => settings.Members;
    /// <summary>The chosen split (after <see cref="Fit"/>).</summary>
    public TrainingBudget? Budget { get; private set; }
    /// <summary>The trained subnetwork ensemble (after <see cref="Fit"/>).</summary>
    public SubnetworkEnsemble Ensemble => _inner ?? throw new InvalidOperationException($"{Name}: call Fit first.");

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        _inner?.Dispose();
        var train = context.Train;
        _referenceFlops = ReferenceEpochFlops(train.Data.Count, train.BatchSize, train.DropLast) * referenceOptions.Epochs;
        var file = context.CheckpointFor(Name) is { } folder ? Path.Combine(folder, "budget.json") : null;
        Budget = file is not null && File.Exists(file) ? Load(file)
            : currency == BudgetCurrency.Flops ? PlanFlops(train.Data.Count, train.BatchSize, train.DropLast) : MeasureSeconds(context);
        if (file is not null) Save(file, Budget);
        if (Budget.Currency == BudgetCurrency.Flops) FitFlops(context, file);
        else FitSeconds(context, file);
    }

    /// <summary>Training FLOPs of one MC-dropout epoch: its examples x 3 x the network's forward FLOPs (the dropout rate changes no product).</summary>
    double ReferenceEpochFlops(int samples, int batchSize, bool dropLast)
    {
        using var network = recipe(seed, referenceDropout);
        return EpochFlops(samples, batchSize, dropLast, referenceOptions, network.FlopsPerExample());
    }

    /// <summary>Training FLOPs of an epoch of <paramref name="options"/> at <paramref name="forwardFlops"/> per example.</summary>
    static double EpochFlops(int samples, int batchSize, bool dropLast, TrainingOptions options, double forwardFlops) =>
        (double)TrainingCost.ExamplesPerEpoch(samples, batchSize, dropLast, options.MaxBatchesPerEpoch) * TrainingCost.ForwardAndBackward * forwardFlops;

    /// <summary>
    /// The FLOP split before the parent trains: MC dropout's E epochs are the target, P comes from the split of the untrained parent
    /// (the same architecture as MC dropout's network), S is its estimate (set again from the trained parent's split).
    /// </summary>
    /// <param name="samples">training samples of one epoch</param>
    /// <param name="batchSize">the training batch size</param>
    /// <param name="dropLast">whether a last, partial batch is dropped</param>
    public TrainingBudget PlanFlops(int samples, int batchSize, bool dropLast)
    {
        using var parent = recipe(seed, parentDropout);
        double referenceEpoch = ReferenceEpochFlops(samples, batchSize, dropLast);
        double parentEpoch = EpochFlops(samples, batchSize, dropLast, parentOptions, parent.FlopsPerExample());
        // The members' sizes follow from the partition strategy; the Taylor criterion's gradients are not needed to count them.
        var criterion = settings.Criterion == Masking.PruningCriterion.Taylor ? Masking.PruningCriterion.Magnitude : settings.Criterion;
        var partition = Masking.Partitioner.Split(parent, settings.Members, criterion, settings.Strategy, settings.Granularity, seed);
        double membersEpoch = EpochFlops(samples, batchSize, dropLast, memberOptions, SubnetworkEnsemble.MemberForwardFlops(parent, partition, settings));
        double target = referenceEpoch * referenceOptions.Epochs;
        var (p, s) = TrainingBudget.Split(target, parentEpoch, membersEpoch, parentOptions.Epochs, memberOptions.Epochs);
        return new TrainingBudget(p, s, target, parentEpoch, membersEpoch, referenceEpoch, BudgetCurrency.Flops, MeasuredReference: true);
    }

    /// <summary>FLOPs: trains the parent its P epochs, counts the trained parent's members to set S, and trains them.</summary>
    void FitFlops(EnsembleTrainingContext context, string? file)
    {
        var budget = Budget!;
        _inner = new SubnetworkEnsemble(recipe, parentOptions with { Epochs = budget.ParentEpochs },
            memberOptions with { Epochs = budget.MemberEpochs }, settings, seed, parentDropout, Name);
        _inner.FitParent(context);
        var partition = _inner.Split(context);
        if (!budget.MembersMeasured)
        {
            var train = context.Train;
            double membersEpoch = EpochFlops(train.Data.Count, train.BatchSize, train.DropLast, memberOptions,
                SubnetworkEnsemble.MemberForwardFlops(_inner.Parent, partition, settings));
            int members = TrainingBudget.MemberEpochsFor(budget.Target, budget.ParentEpochs * budget.ParentEpochCost, membersEpoch);
            Budget = budget = budget with { MemberEpochs = members, MembersEpochCost = membersEpoch, MembersMeasured = true };
            if (file is not null) Save(file, budget);
        }
        _inner.FitMembers(context, budget.MemberEpochs);
    }

    /// <summary>Seconds: trains the parent and one member epoch, sets S from their measured seconds, and goes on to S.</summary>
    void FitSeconds(EnsembleTrainingContext context, string? file)
    {
        var budget = Budget!;
        bool measureMembers = !budget.MembersMeasured && file is not null;
        _inner = new SubnetworkEnsemble(recipe, parentOptions with { Epochs = budget.ParentEpochs },
            memberOptions with { Epochs = measureMembers ? 1 : budget.MemberEpochs }, settings, seed, parentDropout, Name);
        _inner.Fit(context);
        // A folder whose members went past their first epoch under an earlier timing-only split keeps that split.
        if (!measureMembers || _inner.MemberRuns.Any(r => r.History.Count > 1)) return;
        // Both from the training histories, so a run resumed after the parent or the first member epoch measures the same.
        double parentSeconds = _inner.TrainingRuns[0].History.Sum(h => h.Seconds);
        double membersEpoch = _inner.MemberRuns.Sum(r => r.History[0].Seconds);
        int members = TrainingBudget.MemberEpochsFor(budget.Target, parentSeconds, membersEpoch);
        Budget = budget with
        {
            MemberEpochs = members, ParentEpochCost = parentSeconds / budget.ParentEpochs, MembersEpochCost = membersEpoch, MembersMeasured = true,
        };
        Save(file!, Budget);
        if (members > 1) _inner.ContinueMembers(members, context);
    }

    static void Save(string file, TrainingBudget budget)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        AtomicFile.WriteText(file, budget.ToJson());
    }

    /// <summary>Seconds: times <c>timingBatches</c> steps of each network (second epoch of two, so warm) and chooses the split.</summary>
    TrainingBudget MeasureSeconds(EnsembleTrainingContext context)
    {
        var quiet = context with { CheckpointRoot = null, Observer = null, Validation = null };
        int batches = referenceOptions.MaxBatchesPerEpoch > 0 ? Math.Min(referenceOptions.MaxBatchesPerEpoch, context.Train.BatchesPerEpoch) : context.Train.BatchesPerEpoch;
        int steps = Math.Max(1, Math.Min(timingBatches, batches));
        TrainingOptions Timing(TrainingOptions o) => o with { Epochs = 2, MaxBatchesPerEpoch = steps, WarmupEpochs = 0 };
        double referenceStep, parentStep, membersStep;
        using (var mc = new McDropout(recipe, Timing(referenceOptions), 1, seed, referenceDropout))
        {
            mc.Fit(quiet);
            referenceStep = SecondEpoch(mc.TrainingRuns[0]) / steps;
        }
        using (var probe = new SubnetworkEnsemble(recipe, Timing(parentOptions), Timing(memberOptions), settings, seed, parentDropout, Name + "-timing"))
        {
            probe.Fit(quiet);
            var runs = probe.TrainingRuns;
            parentStep = SecondEpoch(runs[0]) / steps;
            membersStep = runs.Skip(1).Sum(SecondEpoch) / steps;
        }
        double? measured = referenceSeconds();
        int epochs = referenceOptions.Epochs;
        double referenceEpoch = measured is > 0 ? measured.Value / epochs : referenceStep * batches;
        double parentEpoch = measured is > 0 ? referenceEpoch : referenceEpoch * parentStep / referenceStep;
        double membersEpoch = referenceEpoch * membersStep / referenceStep;
        double target = referenceEpoch * epochs;
        var (p, s) = TrainingBudget.Split(target, parentEpoch, membersEpoch, parentOptions.Epochs, memberOptions.Epochs);
        return new TrainingBudget(p, s, target, parentEpoch, membersEpoch, referenceEpoch, BudgetCurrency.Seconds, measured is > 0);
    }

    static double SecondEpoch(TrainingResult run) => run.History[^1].Seconds;

    static TrainingBudget Load(string file) => TrainingBudget.FromJson(File.ReadAllText(file), file);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> BudgetMetrics
    {
        get
        {
            var b = Budget ?? throw new InvalidOperationException($"{Name}: call Fit first.");
            var metrics = BudgetReport.Metrics(b.Currency, _referenceFlops, TrainingFlops ?? 0, referenceSeconds(), this.TrainingSeconds(),
                b.ParentEpochs, b.MemberEpochs);
            string unit = TrainingBudget.NameOf(b.Currency);
            metrics[$"budget.predicted_{unit}"] = b.Predicted;
            metrics[$"budget.parent_epoch_{unit}"] = b.ParentEpochCost;
            metrics[$"budget.members_epoch_{unit}"] = b.MembersEpochCost;
            metrics[$"budget.mcdropout_epoch_{unit}"] = b.ReferenceEpochCost;
            metrics["budget.measured_members"] = b.MembersMeasured ? 1 : 0;
            if (b.Currency == BudgetCurrency.Seconds)
            {
                metrics["budget.target_seconds"] = b.Target;
                metrics["budget.measured_mcdropout"] = b.MeasuredReference ? 1 : 0;
                metrics["budget.cost_ratio"] = this.TrainingSeconds() / b.Target;
            }
            return metrics;
        }
    }

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => Ensemble.PredictMembers(data, device);
    /// <inheritdoc/>
    public Tensor PredictMemberLogits(BatchIterator data, Device device) => Ensemble.PredictMemberLogits(data, device);
    /// <inheritdoc/>
    public long Parameters => Ensemble.Parameters;
    /// <inheritdoc/>
    public long FlopsPerExample => Ensemble.FlopsPerExample;
    /// <inheritdoc/>
    public long ExecutedFlopsPerExample => Ensemble.ExecutedFlopsPerExample;
    /// <inheritdoc/>
    public double? TrainingFlops => _inner?.TrainingFlops ?? 0;
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _inner?.TrainingRuns ?? [];
    /// <inheritdoc/>
    public void Dispose() => _inner?.Dispose();
}
