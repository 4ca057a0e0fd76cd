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

/// <summary>What one method produced: its evaluation, cost and training runs.</summary>
public sealed record MethodOutcome(string Method, int Members, EvaluationReport Report, long Parameters, long FlopsPerExample,
    double TrainingSeconds, double InferenceSeconds, IReadOnlyList<TrainingResult> TrainingRuns)
{
    /// <summary>Every metric as flat keys, plus cost.* keys.</summary>
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

    /// <summary>Runs every configured method and writes <paramref name="runFolder"/>.</summary>
    public static ExperimentOutcome Run(ExperimentConfig config, string runFolder, IExperimentObserver? observer = null, CancellationToken cancellation = default)
    {
        config.Validate();
        var device = Prepare(config);
        var folder = RunFolder.Open(runFolder, config);
        observer?.OnStage("data", $"loading {config.Dataset}" + (string.IsNullOrEmpty(config.OodDataset) ? "" : $" and {config.OodDataset} (OOD)"));
        using var data = ExperimentData.Load(config);
        observer?.OnStage("data", $"train {data.Train.Count:N0}, validation {data.Validation.Count:N0}, test {data.Test.Count:N0}" +
            (data.Ood is null ? "" : $", OOD {data.Ood.Count:N0}"));
        var outcomes = new List<MethodOutcome>();
        foreach (var method in config.Methods)
        {
            cancellation.ThrowIfCancellationRequested();
            observer?.OnStage(method, "training");
            using var ensemble = Methods.Create(method, config, data.Info);
            var context = new EnsembleTrainingContext(data.TrainBatches(config, config.Seed), null, device, folder.Checkpoints, observer, cancellation);
            ensemble.Fit(context);
            observer?.OnStage(method, "evaluating");
            var outcome = Evaluate(ensemble, data, config, device);
            folder.SavePredictions(method, outcome.Test);
            folder.SaveReport(method, outcome.Outcome.Report);
            outcomes.Add(outcome.Outcome);
            var result = new ExperimentOutcome(config, folder.Root, outcomes);
            folder.SaveMetrics(result.Table());
            observer?.OnStage(method, $"accuracy {outcome.Outcome.Report.Test.Accuracy:P2}, NLL {outcome.Outcome.Report.Test.Nll:F4}, ECE {outcome.Outcome.Report.Test.Ece:F4}");
        }
        var final = new ExperimentOutcome(config, folder.Root, outcomes);
        //REPORT RunReport.Write(final, folder);
        return final;
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
        var outcome = new MethodOutcome(ensemble.Method, ensemble.Members, report, ensemble.Parameters, ensemble.FlopsPerExample,
            ensemble.TrainingSeconds(), inferenceSeconds, ensemble.TrainingRuns);
        return (outcome, test);
    }
}
