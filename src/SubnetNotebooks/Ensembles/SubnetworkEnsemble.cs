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
/// <param name="Compact">train and run unit-masked members as thin dense networks (same outputs, less compute)</param>
/// <param name="TaylorBatches">batches of gradient used by the Taylor criterion</param>
public sealed record SubnetworkSettings(int Members, PruningCriterion Criterion = PruningCriterion.Magnitude,
    PartitionStrategy Strategy = PartitionStrategy.RoundRobin, MaskGranularity Granularity = MaskGranularity.Unit,
    bool Inherit = true, bool Compact = true, int TaylorBatches = 8);

/// <summary>
/// The paper's method: train a parent, score its units with a pruning criterion, partition them into
/// M non-overlapping subnetworks (dropout masks of rate 1 - 1/M that never overlap), train each
/// subnetwork on its own (from the parent's weights or re-initialised), and average their softmax outputs.
/// </summary>
public sealed class SubnetworkEnsemble(ModelRecipe recipe, TrainingOptions parentOptions, TrainingOptions memberOptions,
    SubnetworkSettings settings, long seed, double parentDropout = 0) : IEnsemble
{
    readonly List<PrunableModel> _members = [];
    readonly List<TrainingResult> _runs = [];
    PrunableModel? _parent;

    public string Method => "subnet";
    public int Members => settings.Members;
    public SubnetworkSettings Settings => settings;
    /// <summary>The trained parent network (after <see cref="Fit"/> or <see cref="FitParent"/>).</summary>
    public PrunableModel Parent => _parent ?? throw new InvalidOperationException("subnet: train the parent first (Fit or FitParent).");
    /// <summary>The partition of the parent's units into M disjoint subnetworks (after <see cref="Split"/>).</summary>
    public SubnetworkPartition? Partition { get; private set; }
    /// <summary>The trained subnetworks, compacted where <see cref="SubnetworkSettings.Compact"/> applies.</summary>
    public IReadOnlyList<PrunableModel> MemberModels => _members;

    /// <summary>Seed of subnetwork <paramref name="k"/>: its batch order and, when re-initialised, its weights.</summary>
    public static long MemberSeed(long seed, int k) => seed * 7919 + 53 * (k + 1) + 1;

    public void Fit(EnsembleTrainingContext context)
    {
        FitParent(context);
        Split(context);
        FitMembers(context);
    }

    /// <summary>Step 1: trains the parent network (checkpoint "subnet/parent").</summary>
    public TrainingResult FitParent(EnsembleTrainingContext context)
    {
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
        var batches = settings.Criterion == PruningCriterion.Taylor ? context.Train.Epoch(0, context.Device).Take(settings.TaylorBatches) : null;
        Partition = Partitioner.Split(Parent, settings.Members, settings.Criterion, settings.Strategy, settings.Granularity, seed, batches);
        return Partition;
    }

    /// <summary>Step 4: trains every subnetwork on its own with its mask applied (checkpoints "subnet/1".."subnet/M").</summary>
    public void FitMembers(EnsembleTrainingContext context)
    {
        var partition = Partition ?? Split(context);
        foreach (var m in _members) m.Dispose();
        _members.Clear();
        for (int k = 0; k < settings.Members; k++)
        {
            var member = BuildMember(partition.MaskFor(k), k);
            member.to(context.Device);
            _members.Add(member);
            var run = $"{Method}/{k + 1}";
            var train = new BatchIterator(context.Train.Data, context.Train.BatchSize, context.Train.Normalization, shuffle: true,
                seed: MemberSeed(seed, k), augment: context.Train.Augment, dropLast: context.Train.DropLast);
            _runs.Add(Trainer.Fit(member, train, memberOptions, context.Device, run, context.CheckpointFor(run), context.Observer,
                context.Validation, context.Cancellation));
        }
    }

    /// <summary>Subnetwork <paramref name="k"/> before training: the parent's (or fresh) weights under its mask, compacted when it can be.</summary>
    PrunableModel BuildMember(MaskSet mask, int k)
    {
        var model = settings.Inherit ? Parent.CloneModel() : recipe(MemberSeed(seed, k), parentDropout);
        model.ApplyMask(mask);
        if (!settings.Compact || settings.Granularity != MaskGranularity.Unit) return model;
        using (model) return model.Compact(mask);
    }

    public Tensor PredictMembers(BatchIterator data, Device device)
    {
        if (_members.Count == 0) throw new InvalidOperationException("subnet: call Fit before predicting.");
        using var scope = NewDisposeScope();
        return stack(_members.Select(m => Trainer.PredictProbabilities(m, data, device)).ToArray(), 0).MoveToOuterDisposeScope();
    }

    public long Parameters => _members.Sum(m => m.ActiveParameters());
    public long FlopsPerExample => _members.Sum(m => m.FlopsPerExample());
    public IReadOnlyList<TrainingResult> TrainingRuns => _runs;

    void DisposeModels()
    {
        _parent?.Dispose();
        _parent = null;
        foreach (var m in _members) m.Dispose();
        _members.Clear();
        _runs.Clear();
    }

    public void Dispose() => DisposeModels();
}
