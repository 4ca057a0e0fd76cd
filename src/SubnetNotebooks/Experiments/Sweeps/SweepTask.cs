using System.Text.Json;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>
/// Runs one job of a sweep in its run folder (what `subnet sweep-task DIR JOB` and every scheduler task call):
/// marks it started, trains (resuming its checkpoints, so a requeued or preempted task goes on where it stopped),
/// and marks it done with its metrics, or failed with the error.
/// </summary>
public static class SweepTask
{
    /// <summary>
    /// Runs job <paramref name="jobId"/> of the sweep at <paramref name="root"/> and returns its metrics; the done mark also
    /// records each training run's epochs and the epoch it resumed from. <paramref name="threads"/> &gt; 0 overrides the config's CPU threads.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Run(string root, string jobId, int threads = 0, IExperimentObserver? observer = null,
        CancellationToken cancellation = default)
    {
        var plan = SweepPlan.Load(root);
        var job = plan.Job(jobId);
        if (job.DependsOn is { } parent && JobMarks.Read(plan.Root, plan.Job(parent)) != JobState.Done)
            throw new InvalidOperationException($"Job {job.Id} needs job {parent} done first, but {JobMarks.Done(plan.Root, plan.Job(parent))} is missing: run that job first (subnet sweep-task {plan.Root} {parent}).");
        JobMarks.Write(JobMarks.Started(plan.Root, job), JsonSerializer.Serialize(new
        {
            host = Environment.MachineName, pid = Environment.ProcessId, started = DateTime.UtcNow,
            slurmJob = Environment.GetEnvironmentVariable("SLURM_JOB_ID"),
        }));
        try
        {
            var config = plan.ConfigFor(job);
            if (threads > 0) config = config with { Threads = threads };
            var (metrics, runs) = Train(config, job, plan.RunFolder(job), plan.Root, plan.BudgetReferenceFolder(job), observer, cancellation);
            var training = runs.Select(r => new { run = r.History.Count > 0 ? r.History[0].Run : "", epochs = r.History.Count, resumedFromEpoch = r.ResumedFromEpoch });
            JobMarks.Write(JobMarks.Done(plan.Root, job), JsonSerializer.Serialize(new { job = job.Id, finished = DateTime.UtcNow, training, metrics },
                new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return metrics;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobMarks.Write(JobMarks.Failed(plan.Root, job), e.ToString());
            throw;
        }
    }

    /// <summary>Trains what <paramref name="job"/> asks in <paramref name="runFolder"/>: the subnetwork parent alone, or a method evaluated into the folder's metrics.</summary>
    static (IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<TrainingResult> Runs) Train(ExperimentConfig config, SweepJob job, string runFolder,
        string studyFolder, string? referenceFolder, IExperimentObserver? observer,
        CancellationToken cancellation)
    {
        using var session = ExperimentSession.Open(config, runFolder, observer, studyFolder: studyFolder);
        session.BudgetReferenceFolder = referenceFolder;
        if (job.Stage == SweepStage.Parent)
        {
            using var ensemble = (SubnetworkEnsemble)session.Create(job.Method);
            observer?.OnStage(job.Method, "training the parent");
            var run = ensemble.FitParent(session.Context(observer, cancellation));
            var loss = run.History.Count > 0 ? run.History[^1].TrainLoss : double.NaN;
            return (new Dictionary<string, double> { ["parent.epochs"] = run.History.Count, ["parent.train_loss"] = loss }, [run]);
        }
        var outcome = session.Train(job.Method, observer, cancellation).Outcome;
        return (outcome.Flatten(), outcome.TrainingRuns);
    }
}
