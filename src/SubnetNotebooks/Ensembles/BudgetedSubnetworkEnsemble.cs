using System.Text.Json;
using SubnetNotebooks.Data;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The subnetwork ensemble at MC dropout's training cost ("subnet-budget"), chosen in two steps.
/// First a short timing of a few steps of the MC-dropout network, the parent and all M members gives their per-epoch costs
/// relative to each other; scaled to MC dropout's measured seconds per epoch, they give the parent epochs P
/// (<see cref="TrainingBudget.Split"/>). When MC dropout's training was measured in this run, a parent epoch is taken to cost
/// exactly what an MC-dropout epoch cost: the parent is the same network on the same batches (its dropout layers aside).
/// Then the parent trains its P epochs and the members one epoch, and the member epochs S are set from those measured
/// seconds (<see cref="TrainingBudget.MemberEpochsFor"/>); the members go on from their first epoch to S. A short timing
/// alone was measured 15 % off on a 2-core machine (the fused members trained faster over a whole epoch than over 30
/// steps), which put the cost ratio at 0.86 over three seeds of the cpu-cnn profile. The member learning rate of the first
/// epoch does not depend on S (it is set per epoch), so the two-step run is the uninterrupted run at S epochs. Without a
/// checkpoint folder the members cannot go on from an epoch, and S is the timing's estimate. The split is saved in
/// checkpoints/&lt;method&gt;/budget.json (MembersMeasured false until S is measured) and reused on resume.
/// </summary>
/// <param name="recipe">the model family</param>
/// <param name="parentOptions">the parent's options; its epochs set the P : S ratio that the budget scales</param>
/// <param name="memberOptions">the subnetworks' options; its epochs set the P : S ratio</param>
/// <param name="settings">criterion, partition, granularity, inherit, execution</param>
/// <param name="seed">run seed</param>
/// <param name="parentDropout">dropout of the parent</param>
/// <param name="referenceOptions">MC dropout's options (its epochs E)</param>
/// <param name="referenceDropout">MC dropout's rate</param>
/// <param name="referenceSeconds">MC dropout's measured training seconds over its E epochs, or null to estimate them from the timing</param>
/// <param name="timingBatches">steps timed per network (after as many warm-up steps)</param>
public sealed class BudgetedSubnetworkEnsemble(ModelRecipe recipe, TrainingOptions parentOptions, TrainingOptions memberOptions,
    SubnetworkSettings settings, long seed, double parentDropout, TrainingOptions referenceOptions, double referenceDropout,
    Func<double?> referenceSeconds, int timingBatches = 30) : IEnsemble, IBudgetedEnsemble
{
    /// <summary>The method name, also the checkpoint prefix.</summary>
    public const string Name = "subnet-budget";
    SubnetworkEnsemble? _inner;

    public string Method => Name;
    public int Members => settings.Members;
    /// <summary>The chosen split (after <see cref="Fit"/>).</summary>
    public TrainingBudget? Budget { get; private set; }
    /// <summary>The trained subnetwork ensemble (after <see cref="Fit"/>).</summary>
    public SubnetworkEnsemble Ensemble => _inner ?? throw new InvalidOperationException($"{Name}: call Fit first.");

    public void Fit(EnsembleTrainingContext context)
    {
        _inner?.Dispose();
        var file = context.CheckpointFor(Name) is { } folder ? Path.Combine(folder, "budget.json") : null;
        Budget = file is not null && File.Exists(file) ? Load(file) : Measure(context);
        if (file is not null) Save(file, Budget);
        bool measureMembers = !Budget.MembersMeasured && file is not null;
        _inner = new SubnetworkEnsemble(recipe, parentOptions with { Epochs = Budget.ParentEpochs },
            memberOptions with { Epochs = measureMembers ? 1 : Budget.MemberEpochs }, settings, seed, parentDropout, Name);
        _inner.Fit(context);
        // A folder whose members went past their first epoch under an earlier timing-only split keeps that split.
        if (!measureMembers || _inner.MemberRuns.Any(r => r.History.Count > 1)) return;
        // Both from the training histories, so a run resumed after the parent or the first member epoch measures the same.
        double parentSeconds = _inner.TrainingRuns[0].History.Sum(h => h.Seconds);
        double membersEpoch = _inner.MemberRuns.Sum(r => r.History[0].Seconds);
        int members = TrainingBudget.MemberEpochsFor(Budget.TargetSeconds, parentSeconds, membersEpoch);
        Budget = Budget with
        {
            MemberEpochs = members, ParentEpochSeconds = parentSeconds / Budget.ParentEpochs, MembersEpochSeconds = membersEpoch, MembersMeasured = true,
        };
        Save(file!, Budget);
        if (members > 1) _inner.ContinueMembers(members, context);
    }

    static void Save(string file, TrainingBudget budget)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        AtomicFile.WriteText(file, JsonSerializer.Serialize(budget, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Times <paramref name="timingBatches"/> steps of each network (second epoch of two, so warm) and chooses the split.</summary>
    TrainingBudget Measure(EnsembleTrainingContext context)
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
        return new TrainingBudget(p, s, target, parentEpoch, membersEpoch, referenceEpoch, measured is > 0);
    }

    static double SecondEpoch(TrainingResult run) => run.History[^1].Seconds;

    static TrainingBudget Load(string file)
    {
        try { return JsonSerializer.Deserialize<TrainingBudget>(File.ReadAllText(file)) ?? throw new JsonException("empty document"); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file} is not a saved training budget ({e.Message}). Delete it to measure the split again.", e);
        }
    }

    public IReadOnlyDictionary<string, double> BudgetMetrics
    {
        get
        {
            var b = Budget ?? throw new InvalidOperationException($"{Name}: call Fit first.");
            return new Dictionary<string, double>
            {
                ["budget.parent_epochs"] = b.ParentEpochs,
                ["budget.member_epochs"] = b.MemberEpochs,
                ["budget.target_seconds"] = b.TargetSeconds,
                ["budget.predicted_seconds"] = b.PredictedSeconds,
                ["budget.parent_epoch_seconds"] = b.ParentEpochSeconds,
                ["budget.members_epoch_seconds"] = b.MembersEpochSeconds,
                ["budget.mcdropout_epoch_seconds"] = b.ReferenceEpochSeconds,
                ["budget.measured_mcdropout"] = b.MeasuredReference ? 1 : 0,
                ["budget.measured_members"] = b.MembersMeasured ? 1 : 0,
                ["budget.cost_ratio"] = this.TrainingSeconds() / b.TargetSeconds,
            };
        }
    }

    public Tensor PredictMembers(BatchIterator data, Device device) => Ensemble.PredictMembers(data, device);
    public Tensor PredictMemberLogits(BatchIterator data, Device device) => Ensemble.PredictMemberLogits(data, device);
    public long Parameters => Ensemble.Parameters;
    public long FlopsPerExample => Ensemble.FlopsPerExample;
    public IReadOnlyList<TrainingResult> TrainingRuns => _inner?.TrainingRuns ?? [];
    public void Dispose() => _inner?.Dispose();
}
