using System.Diagnostics;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>Progress of an experiment: training progress plus stage changes (loading, training, evaluating a method).</summary>
public interface IExperimentObserver : ITrainingObserver
{
    void OnStage(string stage, string detail) { }
}

/// <summary>What one method produced: its evaluation, cost, training runs and, when measured, its quality under shift.</summary>
/// <param name="PeakMemoryBytes">the process's peak resident memory when the method was evaluated (0: not measured)</param>
/// <param name="Execution">how a subnetwork ensemble's members trained (and what auto timed); null for other methods</param>
public sealed record MethodOutcome(string Method, int Members, EvaluationReport Report, long Parameters, long FlopsPerExample,
    double TrainingSeconds, double InferenceSeconds, IReadOnlyList<TrainingResult> TrainingRuns, ShiftReport? Shift = null,
    long PeakMemoryBytes = 0, ExecutionChoice? Execution = null)
{
    /// <summary>Every metric as flat keys, plus cost.* (cost.execution.* for a subnetwork ensemble) and shift.* keys.</summary>
    public IReadOnlyDictionary<string, double> Flatten()
    {
        var all = new Dictionary<string, double>(Report.Flatten())
        {
            ["cost.members"] = Members,
            ["cost.parameters"] = Parameters,
            ["cost.flops_per_example"] = FlopsPerExample,
            ["cost.train_seconds"] = TrainingSeconds,
            ["cost.inference_seconds"] = InferenceSeconds,
        };
        if (PeakMemoryBytes > 0) all["cost.peak_memory_bytes"] = PeakMemoryBytes;
        Execution?.AddTo(all);
        Shift?.AddTo(all);
        return all;
    }
}

/// <summary>An experiment's outcome: its config, run folder and one outcome per method.</summary>
public sealed record ExperimentOutcome(ExperimentConfig Config, string RunFolder, IReadOnlyList<MethodOutcome> Methods)
{
    /// <summary>Method x metric table of every method.</summary>
    public MetricsTable Table()
    {
        var table = new MetricsTable();
        foreach (var m in Methods) table.Add(m.Method, m.Flatten());
        return table;
    }
}

/// <summary>
/// The pipeline behind `subnet reproduce` and the notebooks: load data, then for every method train
/// (resuming from checkpoints), predict the test, validation and OOD sets, evaluate, and write the run folder.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Prepares torch for <paramref name="config"/> (threads, seed) and returns its device.</summary>
    public static Device Prepare(ExperimentConfig config)
    {
        TorchRuntime.Ensure();
        TorchRuntime.SetThreads(config.Threads);
        manual_seed(config.Seed);
        return TorchRuntime.ResolveDevice(config.Device);
    }

    /// <summary>Runs every configured method and writes <paramref name="runFolder"/> (resuming what an earlier run left).</summary>
    public static ExperimentOutcome Run(ExperimentConfig config, string runFolder, IExperimentObserver? observer = null, CancellationToken cancellation = default)
    {
        using var session = ExperimentSession.Open(config, runFolder, observer);
        foreach (var method in config.Methods)
        {
            cancellation.ThrowIfCancellationRequested();
            var trained = session.Train(method, observer, cancellation);
            var test = trained.Outcome.Report.Test;
            observer?.OnStage(method, $"accuracy {test.Accuracy:P2}, NLL {test.Nll:F4}, ECE {test.Ece:F4}");
        }
        session.WriteReport();
        return session.Outcome;
    }

    /// <summary>Predicts the test, validation and OOD sets with a trained ensemble and evaluates every metric.</summary>
    public static (MethodOutcome Outcome, Predictions Test) Evaluate(IEnsemble ensemble, ExperimentData data, ExperimentConfig config, Device device)
    {
        var clock = Stopwatch.StartNew();
        using var testProbs = ensemble.PredictMembers(data.EvaluationBatches(data.Test, config), device);
        double inferenceSeconds = clock.Elapsed.TotalSeconds;
        var test = Predictions.FromTensor(testProbs, data.Test.Labels);
        using var valProbs = ensemble.PredictMembers(data.EvaluationBatches(data.Validation, config), device);
        var validation = Predictions.FromTensor(valProbs, data.Validation.Labels);
        Predictions? ood = null;
        if (data.Ood is not null)
        {
            using var oodProbs = ensemble.PredictMembers(data.EvaluationBatches(data.Ood, config), device);
            using var oodLabels = zeros(data.Ood.Count, dtype: ScalarType.Int64);
            ood = Predictions.FromTensor(oodProbs, oodLabels);
        }
        var report = EvaluationReport.Evaluate(test, validation, ood);
        var shift = config.ShiftSamples > 0
            ? ShiftEvaluation.Measure(ensemble, data.Test, data.Normalization, Math.Max(config.BatchSize, 256), device, config.ShiftSamples, seed: config.Seed)
            : null;
        var outcome = new MethodOutcome(ensemble.Method, ensemble.Members, report, ensemble.Parameters, ensemble.FlopsPerExample,
            ensemble.TrainingSeconds(), inferenceSeconds, ensemble.TrainingRuns.ToArray(), shift, CostMeasurement.PeakMemoryBytes(),
            (ensemble as SubnetworkEnsemble)?.ExecutionChoice);
        return (outcome, test);
    }
}
