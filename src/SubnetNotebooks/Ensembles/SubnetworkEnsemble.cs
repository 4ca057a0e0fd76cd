using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>The choices that turn one parent network into M subnetworks.</summary>
/// <param name="Members">M, the number of subnetworks</param>
/// <param name="Criterion">how units (or weights) are scored</param>
/// <param name="Strategy">how the ranking is split into M disjoint groups</param>
/// <param name="Granularity">unit masks (structured, compactable) or weight masks</param>
/// <param name="Inherit">members start from the parent's weights (true) or are re-initialised</param>
/// <param name="Execution">auto (default: the fastest of the fused formulations and compact, timed on the run's device), a fused grouped network, thin dense networks one by one, or masked full networks; same outputs</param>
/// <param name="TaylorBatches">batches of gradient used by the Taylor criterion</param>
public sealed record SubnetworkSettings(int Members, PruningCriterion Criterion = PruningCriterion.Magnitude,
    PartitionStrategy Strategy = PartitionStrategy.RoundRobin, MaskGranularity Granularity = MaskGranularity.Unit,
    bool Inherit = true, SubnetworkExecution Execution = SubnetworkExecution.Auto, int TaylorBatches = 8);

/// <summary>
/// The paper's method: train a parent, score its units with a pruning criterion, partition them into
/// M non-overlapping subnetworks (dropout masks of rate 1 - 1/M that never overlap), train each
/// subnetwork on its own (from the parent's weights or re-initialised), and average their softmax outputs.
/// </summary>
/// <param name="method">method name, also the checkpoint prefix ("subnet"; the equal-budget rows train as "subnet-budget")</param>
/// <param name="recipe">builds the parent network</param>
/// <param name="parentOptions">how the parent trains</param>
/// <param name="memberOptions">how each subnetwork trains</param>
/// <param name="settings">M, criterion, partition, granularity, inheritance and execution</param>
/// <param name="seed">seed of the parent and the members</param>
/// <param name="parentDropout">dropout rate while the parent trains (0: none)</param>
public sealed class SubnetworkEnsemble(ModelRecipe recipe, TrainingOptions parentOptions, TrainingOptions memberOptions,
    SubnetworkSettings settings, long seed, double parentDropout = 0, string method = "subnet") : IEnsemble
{
    readonly List<PrunableModel> _members = [];
    readonly List<TrainingResult> _runs = [];
    int _memberRunsFrom;
    PrunableModel? _parent;
    FusedSubnetworks? _fused;

    /// <inheritdoc/>
    public string Method => method;
    /// <inheritdoc/>
    public int Members => settings.Members;
    /// <summary>The settings it was built with: M, criterion, partition, granularity, inheritance and the requested execution (<see cref="Execution"/> is the one used).</summary>
    public SubnetworkSettings Settings => settings;
    /// <summary>The trained parent network (after <see cref="Fit"/> or <see cref="FitParent"/>).</summary>
    public PrunableModel Parent => _parent ?? throw new InvalidOperationException($"{method}: train the parent first (Fit or FitParent).");
    /// <summary>The partition of the parent's units into M disjoint subnetworks (after <see cref="Split"/>).</summary>
    public SubnetworkPartition? Partition { get; private set; }
    /// <summary>The trained subnetworks: thin compacted models unless the execution is masked (with fused execution, updated from the fused network after training).</summary>
    public IReadOnlyList<PrunableModel> MemberModels => _members;
    /// <summary>The grouped network that trained and runs the members when <see cref="Execution"/> is fused; else null.</summary>
    public FusedSubnetworks? Fused => _fused;
    /// <summary>The execution actually used by the last <see cref="FitMembers(EnsembleTrainingContext)"/> (the requested one, its fallback, or auto's choice).</summary>
    public SubnetworkExecution Execution { get; private set; } = settings.Execution;
    /// <summary>The execution used by the last <see cref="FitMembers(EnsembleTrainingContext)"/> and, when auto chose it, every candidate's step time.</summary>
    public ExecutionChoice? ExecutionChoice { get; private set; }

    /// <summary>Seed of subnetwork <paramref name="k"/>: its batch order and, when re-initialised, its weights.</summary>
    public static long MemberSeed(long seed, int k) => seed * 7919 + 53 * (k + 1) + 1;

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        FitParent(context);
        Split(context);
        FitMembers(context);
    }

    /// <summary>Step 1: trains the parent network (checkpoint "subnet/parent").</summary>
    public TrainingResult FitParent(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold();
        DisposeModels();
        _parent = recipe(seed, parentDropout);
        _parent.to(context.Device);
        var run = Trainer.Fit(_parent, context.Train, parentOptions, context.Device, $"{Method}/parent", context.CheckpointFor($"{Method}/parent"),
            context.Observer, context.Validation, context.Cancellation);
        _runs.Add(run);
        return run;
    }

    /// <summary>Steps 2-3: scores the parent's units and partitions them into M disjoint subnetworks.</summary>
    public SubnetworkPartition Split(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold();
        var batches = settings.Criterion == PruningCriterion.Taylor ? context.Train.Epoch(0, context.Device).Take(settings.TaylorBatches) : null;
        Partition = Partitioner.Split(Parent, settings.Members, settings.Criterion, settings.Strategy, settings.Granularity, seed, batches);
        return Partition;
    }

    /// <summary>
    /// Step 4: trains every subnetwork on its own with its mask applied: fused in one grouped network (checkpoint
    /// "subnet/fused"), or one after another (checkpoints "subnet/1".."subnet/M"). Each member keeps its own batch order.
    /// </summary>
    public void FitMembers(EnsembleTrainingContext context) => FitMembers(context, chosen: null);

    /// <summary>Step 4 at <paramref name="memberEpochs"/> epochs per member (the budgeted ensemble sets them once the parent is split).</summary>
    public void FitMembers(EnsembleTrainingContext context, int memberEpochs)
    {
        if (memberEpochs < 1) throw new ArgumentOutOfRangeException(nameof(memberEpochs), memberEpochs, "at least one member epoch");
        memberOptions = memberOptions with { Epochs = memberEpochs };
        FitMembers(context, chosen: null);
    }

    /// <summary>
    /// Forward FLOPs of one example through all M members as they will execute: the sum of the subnetworks' FLOPs when they run
    /// compacted or fused (grouped layers compute only within each member), M x the parent's dense FLOPs when they run masked
    /// (execution=masked, or weight masks, which cannot be compacted).
    /// </summary>
    public static long MemberForwardFlops(PrunableModel parent, SubnetworkPartition partition, SubnetworkSettings settings) =>
        settings.Execution == SubnetworkExecution.Masked || settings.Granularity != MaskGranularity.Unit
            ? settings.Members * parent.FlopsPerExample(null) : partition.FlopsPerExample(parent).Sum();

    /// <summary>
    /// Step 4 again, to <paramref name="memberEpochs"/> epochs: every member resumes from its checkpoint (the epochs it has
    /// trained are kept, so with a per-epoch learning-rate schedule whose first epochs do not depend on the total, the result is
    /// the uninterrupted run at the new length), in the execution the last <see cref="FitMembers(EnsembleTrainingContext)"/> used. The budgeted ensemble
    /// trains one member epoch, measures it, and then sets the member epochs that fill its budget.
    /// </summary>
    public void ContinueMembers(int memberEpochs, EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold();
        var chosen = ExecutionChoice ?? throw new InvalidOperationException($"{method}: train the members first (FitMembers).");
        if (memberEpochs < 1) throw new ArgumentOutOfRangeException(nameof(memberEpochs), memberEpochs, "at least one member epoch");
        memberOptions = memberOptions with { Epochs = memberEpochs };
        _runs.RemoveRange(_memberRunsFrom, _runs.Count - _memberRunsFrom); // the resumed runs' histories hold those epochs again
        FitMembers(context, chosen);
    }

    /// <summary>The member training runs of the last <see cref="FitMembers(EnsembleTrainingContext)"/>: the fused run, or one per member.</summary>
    public IReadOnlyList<TrainingResult> MemberRuns => _runs.Skip(_memberRunsFrom).ToArray();

    void FitMembers(EnsembleTrainingContext context, ExecutionChoice? chosen)
    {
        using var held = HeldTensors.Hold();
        var partition = Partition ?? Split(context);
        DisposeMembers();
        _memberRunsFrom = _runs.Count;
        var unit = settings.Granularity == MaskGranularity.Unit;
        var masked = settings.Execution == SubnetworkExecution.Masked || !unit;
        for (int k = 0; k < settings.Members; k++)
        {
            var member = BuildMember(partition.MaskFor(k), k, compact: !masked);
            member.to(context.Device);
            _members.Add(member);
        }
        var trains = Enumerable.Range(0, settings.Members).Select(k => new BatchIterator(context.Train.Data, context.Train.BatchSize,
            context.Train.Normalization, shuffle: true, seed: MemberSeed(seed, k), augment: context.Train.Augment, dropLast: context.Train.DropLast,
            pipeline: context.Train.Pipeline)).ToArray();
        ExecutionChoice = chosen ?? (masked ? new(SubnetworkExecution.Masked, new Dictionary<SubnetworkExecution, double>()) : ChooseExecution(context, trains));
        Execution = ExecutionChoice.Used;
        if (Execution is SubnetworkExecution.Fused or SubnetworkExecution.FusedUnfold)
        {
            _fused = FusedSubnetworks.Fuse(_members);
            _fused.Formulation = Execution == SubnetworkExecution.FusedUnfold ? ConvolutionFormulation.UnfoldMatmul : ConvolutionFormulation.Grouped;
            var run = $"{Method}/fused";
            _runs.Add(Trainer.FitMembers(_fused, trains, memberOptions, context.Device, run, context.CheckpointFor(run), context.Observer,
                context.Validation, context.Cancellation));
            _fused.CopyInto(_members);
            _fused.eval();
            return;
        }
        for (int k = 0; k < settings.Members; k++)
        {
            var run = $"{Method}/{k + 1}";
            _runs.Add(Trainer.Fit(_members[k], trains[k], memberOptions, context.Device, run, context.CheckpointFor(run), context.Observer,
                context.Validation, context.Cancellation));
        }
    }

    /// <summary>
    /// The execution of the compacted members: the requested one (fused falls back to compact when the members cannot be
    /// fused), or for auto the choice recorded for this configuration in the context's <see cref="ExecutionRecord"/>, else the
    /// fastest candidate timed now (and recorded); a run with a checkpoint resumes in the execution that wrote it.
    /// </summary>
    ExecutionChoice ChooseExecution(EnsembleTrainingContext context, BatchIterator[] trains)
    {
        var none = new Dictionary<SubnetworkExecution, double>();
        bool fusable = FusedSubnetworks.WhyNotFusable(_members) is null;
        if (!fusable || settings.Execution == SubnetworkExecution.Compact) return new(SubnetworkExecution.Compact, none);
        if (settings.Execution != SubnetworkExecution.Auto) return new(settings.Execution, none);
        if (Checkpoint.Exists(context.CheckpointFor($"{Method}/1"))) return new(SubnetworkExecution.Compact, none);
        var candidates = Candidates(_members, trains[0].BatchSize);
        if (Checkpoint.Exists(context.CheckpointFor($"{Method}/fused"))) candidates.Remove(SubnetworkExecution.Compact);
        ExecutionChoice Measure() => ExecutionChoice.Measure(_members, trains, memberOptions, context.Device, candidates, context.Executions?.StepTimer);
        if (context.Executions is not { } record) return Measure();
        var chosen = record.Choose(ExecutionRecord.Key(context.Device, Parent, settings.Members, trains[0].BatchSize), Measure, context.Cancellation);
        // A recorded choice outside this run's candidates (compact, while a fused checkpoint is being resumed) gives way to the checkpoint.
        return candidates.Contains(chosen.Used) ? chosen : new(SubnetworkExecution.Fused, none);
    }

    /// <summary>The executions auto times for fusable <paramref name="members"/>: fused, fused-unfold (convolutional members whose unfolded inputs fit), compact.</summary>
    public static List<SubnetworkExecution> Candidates(IReadOnlyList<PrunableModel> members, int batchSize)
    {
        var candidates = new List<SubnetworkExecution> { SubnetworkExecution.Fused };
        if (members[0] is not Mlp && ExecutionChoice.UnfoldFits(members, batchSize, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes))
            candidates.Add(SubnetworkExecution.FusedUnfold);
        candidates.Add(SubnetworkExecution.Compact);
        return candidates;
    }

    /// <summary>Subnetwork <paramref name="k"/> before training: the parent's (or fresh) weights under its mask, compacted when asked.</summary>
    PrunableModel BuildMember(MaskSet mask, int k, bool compact)
    {
        var model = settings.Inherit ? Parent.CloneModel() : recipe(MemberSeed(seed, k), parentDropout);
        if (!settings.Inherit) ThinInitialisation.Rescale(model, mask); // a fresh network at the subnetwork's own fan-in
        model.ApplyMask(mask);
        if (!compact) return model;
        using (model) return model.Compact(mask);
    }

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => EnsembleExtensions.MemberProbabilities(PredictMemberLogits(data, device));

    /// <inheritdoc/>
    public Tensor PredictMemberLogits(BatchIterator data, Device device)
    {
        if (_members.Count == 0) throw new InvalidOperationException($"{method}: call Fit before predicting.");
        using var held = HeldTensors.Hold();
        if (_fused is not null) return PredictFused(_fused, data, device);
        using var scope = NewDisposeScope();
        return stack(_members.Select(m => Trainer.PredictLogits(m, data, device)).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>Every member's logits in one pass per batch of the fused network.</summary>
    /// <returns>float32 [M, N, C] on the CPU</returns>
    static Tensor PredictFused(FusedSubnetworks fused, BatchIterator data, Device device) =>
        Trainer.PredictBatches(fused, data, device, x => fused.call(x), concatDim: 1);

    /// <inheritdoc/>
    public long Parameters => _members.Sum(m => m.ActiveParameters());
    /// <inheritdoc/>
    public long FlopsPerExample => _members.Sum(m => m.FlopsPerExample());
    /// <summary>
    /// <see cref="FlopsPerExample"/>, except for masked execution, where every member computes the dense network's products
    /// (its pruned units' outputs are multiplied by zero afterwards): M x the parent's FLOPs.
    /// </summary>
    public long ExecutedFlopsPerExample => Execution == SubnetworkExecution.Masked ? _members.Sum(m => m.FlopsPerExample(null)) : FlopsPerExample;

    /// <summary>
    /// The parent's run (examples x 3 x its dense FLOPs) plus the members' runs as executed: fused, one run whose every step
    /// trains M x B examples, each through one member (sum of the members' FLOPs / M per example); compact, each member's run at
    /// its own FLOPs; masked, each member's run at the dense network's FLOPs.
    /// </summary>
    public double? TrainingFlops
    {
        get
        {
            if (_parent is null || _runs.Count == 0) return 0;
            double parent = TrainingCost.Flops(_runs[0], _parent.FlopsPerExample()); // FitParent's run comes first
            if (_members.Count == 0) return parent;
            var members = MemberRuns;
            if (_fused is not null) return parent + TrainingCost.Flops(members[0], (double)FlopsPerExample / _members.Count);
            return parent + members.Select((r, k) => TrainingCost.Flops(r, Execution == SubnetworkExecution.Masked
                ? _members[k].FlopsPerExample(null) : _members[k].FlopsPerExample())).Sum();
        }
    }
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _runs.ToArray();

    void DisposeModels()
    {
        _parent?.Dispose();
        _parent = null;
        DisposeMembers();
        _runs.Clear();
    }

    void DisposeMembers()
    {
        foreach (var m in _members) m.Dispose();
        _members.Clear();
        _fused?.Dispose();
        _fused = null;
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeModels();
}
