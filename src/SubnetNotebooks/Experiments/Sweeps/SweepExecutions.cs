using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using TorchSharp;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>What the plan of a sweep says about one experiment's subnetwork execution.</summary>
/// <param name="Experiment">the experiment (grid point)</param>
/// <param name="Key">the configuration the choice holds for (<see cref="ExecutionRecord.Key"/>), "" when nothing is chosen here</param>
/// <param name="Choice">the choice, or null when it is forced, not needed, or left to the first job</param>
/// <param name="How">how it was made: "timed now", "recorded earlier", "forced: ...", "left to the first job ..."</param>
public sealed record PlannedExecution(string Experiment, string Key, ExecutionChoice? Choice, string How);

/// <summary>
/// execution=auto decided once for a whole sweep: when the sweep is planned, every experiment whose subnetwork members train in an
/// automatically chosen execution has its candidates timed here, on members split from its untrained parent (the members' shapes
/// do not depend on the parent's training) and batches of synthetic images of the experiment's shape, and the choice goes into
/// &lt;sweep&gt;/execution.json, which every job reads before it would time anything. Where the jobs run on a device this host does
/// not have (a Slurm sweep with device auto or cuda, planned on a login node), the first job to reach its members decides under the
/// record's lock and the others reuse its choice.
/// </summary>
public static class SweepExecutions
{
    /// <summary>Methods whose members train in an execution that auto may choose.</summary>
    static readonly string[] Choosing = [SweepPlan.SplitMethod, BudgetedSubnetworkEnsemble.Name];

    /// <summary>Decides (or reads) the execution of every experiment of <paramref name="plan"/>.</summary>
    /// <param name="plan">the saved plan</param>
    /// <param name="configs">each experiment's config</param>
    /// <param name="timeHere">whether this host runs the jobs (local engine) or its device is the jobs' (device cpu); otherwise the first job decides</param>
    /// <param name="stepTimer">times one step (null: the median of a few timed steps)</param>
    public static IReadOnlyList<PlannedExecution> Decide(SweepPlan plan, IReadOnlyDictionary<string, ExperimentConfig> configs, Func<ExperimentConfig, bool> timeHere,
        Func<Action, double>? stepTimer = null)
    {
        var record = new ExecutionRecord([Path.Combine(plan.Root, ExecutionRecord.FileName)], stepTimer);
        var planned = new List<PlannedExecution>();
        foreach (var (name, config) in configs)
        {
            if (!config.Methods.Any(Choosing.Contains)) continue;
            if (config.Execution != "auto" || config.Granularity != "unit")
            {
                planned.Add(new(name, "", null, config.Granularity != "unit" ? "masked (weight masks)" : $"forced: execution={config.Execution}"));
                continue;
            }
            if (!timeHere(config))
            {
                planned.Add(new(name, "", null, $"left to the first job that trains members on device {config.Device}; it records the choice in {record.Files[0]} and the others reuse it"));
                continue;
            }
            planned.Add(DecideOne(name, config, record));
        }
        return planned;
    }

    static PlannedExecution DecideOne(string name, ExperimentConfig config, ExecutionRecord record)
    {
        var device = ExperimentRunner.Prepare(config);
        var (stored, model) = RunPlanner.Shapes(config);
        var settings = Methods.SubnetSettings(config);
        using var parent = Methods.Recipe(config, model)(config.Seed, config.ParentDropout);
        parent.to(device);
        var key = ExecutionRecord.Key(device, parent, config.Members, config.BatchSize);
        bool recorded = record.Find(key) is not null;
        var criterion = settings.Criterion == PruningCriterion.Taylor ? PruningCriterion.Magnitude : settings.Criterion;
        var partition = Partitioner.Split(parent, settings.Members, criterion, settings.Strategy, settings.Granularity, config.Seed);
        var members = Enumerable.Range(0, settings.Members).Select(k =>
        {
            using var masked = parent.CloneModel();
            masked.ApplyMask(partition.MaskFor(k));
            return masked.Compact(partition.MaskFor(k));
        }).ToArray();
        try
        {
            if (FusedSubnetworks.WhyNotFusable(members) is { } why) return new(name, key, new(SubnetworkExecution.Compact, new Dictionary<SubnetworkExecution, double>()), $"compact ({why})");
            using var images = RunPlanner.SyntheticImages(stored, config.BatchSize, config.Seed);
            var trains = Enumerable.Range(0, settings.Members).Select(k => new BatchIterator(images, config.BatchSize, stored.Normalization, shuffle: true,
                seed: SubnetworkEnsemble.MemberSeed(config.Seed, k), augment: ExperimentData.TrainingAugmentation(config, stored))).ToArray();
            var candidates = SubnetworkEnsemble.Candidates(members, config.BatchSize);
            var choice = record.Choose(key, () => ExecutionChoice.Measure(members, trains, config.SubnetTraining, device, candidates, record.StepTimer));
            return new(name, key, choice, recorded ? "recorded earlier" : "timed now");
        }
        finally
        {
            foreach (var m in members) m.Dispose();
        }
    }

    /// <summary>One line per experiment: "name: fused (fused 1.2 ms, compact 2.3 ms per step; timed now)".</summary>
    public static string Describe(PlannedExecution p)
    {
        var label = p.Experiment.Length > 0 ? p.Experiment : "experiment";
        if (p.Choice is null) return $"{label}: {p.How}";
        var steps = string.Join(", ", p.Choice.StepSeconds.Select(s => $"{ExecutionChoice.NameOf(s.Key)} {s.Value * 1000:F1} ms"));
        return $"{label}: {ExecutionChoice.NameOf(p.Choice.Used)}" + (steps.Length > 0 ? $" ({steps} per step; {p.How})" : $" ({p.How})");
    }
}
