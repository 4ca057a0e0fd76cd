namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>
/// The unfinished jobs of a sweep as two Slurm job arrays: "train" (every job that waits on nothing, the subnetwork
/// parents first) and "members", whose task i depends on task i of train (--dependency=aftercorr), so the members
/// of one seed start as soon as their own parent is done. A members job whose parent already finished goes into
/// train; one whose parent is still queued from an earlier submission waits for the next one (Waiting).
/// </summary>
public sealed record SlurmArrays(IReadOnlyList<SweepJob> Train, IReadOnlyList<SweepJob> Members, IReadOnlyList<SweepJob> Waiting)
{
    /// <summary>Arranges the jobs of <paramref name="plan"/> that are neither done nor queued in Slurm from an earlier submission.</summary>
    /// <param name="done">whether a job has finished (its done mark)</param>
    /// <param name="queued">whether Slurm still holds a job, pending or running</param>
    /// <param name="plan">the sweep's jobs</param>
    public static SlurmArrays Arrange(SweepPlan plan, Func<SweepJob, bool> done, Func<SweepJob, bool> queued)
    {
        var unfinished = plan.Jobs.Where(j => !done(j) && !queued(j)).ToArray();
        var pairs = unfinished.Where(j => j.DependsOn is { } p && unfinished.Any(u => u.Id == p)).ToArray();
        var parents = pairs.Select(m => plan.Job(m.DependsOn!)).ToArray();
        var waiting = unfinished.Where(j => j.DependsOn is { } p && !done(plan.Job(p)) && !unfinished.Any(u => u.Id == p)).ToArray();
        var rest = unfinished.Except(pairs).Except(parents).Except(waiting);
        return new SlurmArrays(parents.Concat(rest).ToArray(), pairs, waiting);
    }
}
