using SubnetNotebooks.Native;
using System.Diagnostics;
using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>Progress of an experiment: training progress plus stage changes (loading, training, evaluating a method).</summary>
public interface IExperimentObserver : ITrainingObserver
{
    /// <summary>A stage begins or reports a result: <paramref name="stage"/> names it (data, a method, a variant, a seed), <paramref name="detail"/> says what happens. Does nothing by default.</summary>
    void OnStage(string stage, string detail) { }
}

/// <summary>What one method produced: its evaluation, cost, training runs and, when measured, its quality under shift.</summary>
/// <param name="PeakMemoryBytes">peak resident memory of the process while this method trained and was evaluated (VmHWM reset at the
/// method's start; it includes what the process already held, e.g. the data; 0: not measured)</param>
/// <param name="Execution">how a subnetwork ensemble's members trained (and what auto timed); null for other methods</param>
/// <param name="Budget">budget.* metrics of a method trained to a measured budget (subnet-budget), else null</param>
/// <param name="ExecutedFlopsPerExample">FLOPs the implementation computes per example (0: the same as <paramref name="FlopsPerExample"/>)</param>
/// <param name="Method">method name, e.g. "subnet"</param>
/// <param name="Members">M, the number of members that predict</param>
/// <param name="Report">accuracy, NLL, Brier, calibration, diversity and OOD metrics on the test set</param>
/// <param name="Parameters">parameters of all members together</param>
/// <param name="FlopsPerExample">FLOPs of one prediction by the whole ensemble</param>
/// <param name="TrainingSeconds">wall time of its training runs</param>
/// <param name="InferenceSeconds">wall time of predicting the test set</param>
/// <param name="TrainingRuns">every training run it made, with its epochs</param>
/// <param name="Shift">quality under distribution shift, when measured, else null</param>
/// <param name="TrainingFlops">training FLOPs as executed (<see cref="IEnsemble.TrainingFlops"/>); null where not counted</param>
public sealed record MethodOutcome(string Method, int Members, EvaluationReport Report, long Parameters, long FlopsPerExample,
    double TrainingSeconds, double InferenceSeconds, IReadOnlyList<TrainingResult> TrainingRuns, ShiftReport? Shift = null,
    long PeakMemoryBytes = 0, IReadOnlyDictionary<string, double>? Budget = null, ExecutionChoice? Execution = null,
    long ExecutedFlopsPerExample = 0, double? TrainingFlops = null)
{
    /// <summary>Every metric as flat keys, plus cost.* (cost.execution.* for a subnetwork ensemble), shift.* and budget.* keys.</summary>
    public IReadOnlyDictionary<string, double> Flatten()
    {
        var all = new Dictionary<string, double>(Report.Flatten())
        {
            ["cost.members"] = Members,
            ["cost.parameters"] = Parameters,
            ["cost.flops_per_example"] = FlopsPerExample,
            ["cost.executed_flops_per_example"] = ExecutedFlopsPerExample > 0 ? ExecutedFlopsPerExample : FlopsPerExample,
            ["cost.train_seconds"] = TrainingSeconds,
            ["cost.inference_seconds"] = InferenceSeconds,
        };
        if (PeakMemoryBytes > 0) all["cost.peak_memory_bytes"] = PeakMemoryBytes;
        if (TrainingFlops is { } flops) all["cost.train_flops"] = flops;
        Execution?.AddTo(all);
        Shift?.AddTo(all);
        foreach (var (key, value) in Budget ?? new Dictionary<string, double>()) all[key] = value;
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
        DeterministicAlgorithms.Set(config.Deterministic);
        manual_seed(config.Seed);
        return TorchRuntime.ResolveDevice(config.Device);
    }

    /// <summary>Runs every configured method and writes <paramref name="runFolder"/> (resuming what an earlier run left).</summary>
    /// <param name="amend">accept a run folder whose config.json differs (`--amend`, see <see cref="RunFolder.Open"/>)</param>
    /// <param name="config">the experiment</param>
    /// <param name="runFolder">the run folder to write (created or resumed)</param>
    /// <param name="observer">hears stages and training progress (null: nothing)</param>
    /// <param name="cancellation">stops the run between methods and training steps; a later run resumes from the checkpoints</param>
    /// <param name="studyFolder">the study whose execution record the run shares (see <see cref="ExperimentSession.Open"/>)</param>
    public static ExperimentOutcome Run(ExperimentConfig config, string runFolder, IExperimentObserver? observer = null, CancellationToken cancellation = default,
        bool amend = false, string? studyFolder = null)
    {
        using var session = ExperimentSession.Open(config, runFolder, observer, amend, studyFolder);
        foreach (var method in config.Methods)
        {
            cancellation.ThrowIfCancellationRequested();
            TrainedMethod trained;
            try { trained = session.Train(method, observer, cancellation); }
            catch (TrainingDivergedException e) { throw Diverged(method, e, session); }
            var test = trained.Outcome.Report.Test;
            observer?.OnStage(method, $"accuracy {test.Accuracy:P2}, NLL {test.Nll:F4}, ECE {test.Ece:F4}");
        }
        session.WriteReport();
        return session.Outcome;
    }

    /// <summary>The error of a method that diverged mid-experiment: what survives and how to rerun only that method.</summary>
    static TrainingDivergedException Diverged(string method, TrainingDivergedException e, ExperimentSession session)
    {
        var done = session.Methods.Select(m => m.Outcome.Method).ToArray();
        var kept = done.Length == 0 ? "No method had finished before it."
            : $"The methods finished before it ({string.Join(", ", done)}) keep their rows in {session.Folder.MetricsJsonPath} and their checkpoints.";
        var rest = session.Config.Methods.SkipWhile(m => m != method).ToArray();
        return new TrainingDivergedException(
            $"Method {method} diverged: {e.Message} {kept} To rerun only {string.Join(",", rest)} with other settings, without retraining the rest: " +
            $"subnet reproduce --config {session.Folder.ConfigPath} --out {session.Folder.Root} --methods {string.Join(",", rest)} " +
            $"--set lr={session.Config.LearningRate / 10:G3} --amend (delete {session.Folder.Checkpoints}{Path.DirectorySeparatorChar}{method} first to restart it from scratch).");
    }

    /// <summary>
    /// The members' predictions over <paramref name="data"/> with their logits: one pass for the logits, whose softmax
    /// over classes gives the probabilities (an ensemble that gives no logits: its probabilities alone).
    /// </summary>
    /// <param name="ensemble">the trained ensemble</param>
    /// <param name="data">the evaluation batches</param>
    /// <param name="device">where the ensemble runs</param>
    /// <param name="labels">[N] labels of the predictions (null: those of <paramref name="data"/>)</param>
    public static Predictions Predict(IEnsemble ensemble, BatchIterator data, Device device, Tensor? labels = null)
    {
        using var held = HeldTensors.Hold();
        labels ??= data.Data.Labels;
        using var logits = ensemble.PredictMemberLogits(data, device);
        if (logits is null)
        {
            using var only = ensemble.PredictMembers(data, device);
            return Predictions.FromTensor(only, labels);
        }
        using var probs = nn.functional.softmax(logits, 2);
        return Predictions.FromTensor(probs, labels, logits);
    }

    /// <summary>Predicts the test, validation and OOD sets with a trained ensemble and evaluates every metric.</summary>
    public static (MethodOutcome Outcome, Predictions Test) Evaluate(IEnsemble ensemble, ExperimentData data, ExperimentConfig config, Device device)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        var clock = Stopwatch.StartNew();
        var test = Predict(ensemble, data.EvaluationBatches(data.Test, config), device);
        double inferenceSeconds = clock.Elapsed.TotalSeconds;
        var validation = Predict(ensemble, data.EvaluationBatches(data.Validation, config), device);
        Predictions? ood = null;
        if (data.Ood is not null)
        {
            using var oodLabels = zeros(data.Ood.Count, dtype: ScalarType.Int64);
            ood = Predict(ensemble, data.EvaluationBatches(data.Ood, config), device, oodLabels);
        }
        var report = EvaluationReport.Evaluate(test, validation, ood);
        var shift = config.ShiftSamples > 0
            ? ShiftEvaluation.Measure(ensemble, data, config, device)
            : null;
        var outcome = new MethodOutcome(ensemble.Method, ensemble.Members, report, ensemble.Parameters, ensemble.FlopsPerExample,
            ensemble.TrainingSeconds(), inferenceSeconds, ensemble.TrainingRuns.ToArray(), shift, CostMeasurement.PeakMemoryBytes(),
            (ensemble as IBudgetedEnsemble)?.BudgetMetrics, ((ensemble as BudgetedSubnetworkEnsemble)?.Ensemble ?? ensemble as SubnetworkEnsemble)?.ExecutionChoice, ensemble.ExecutedFlopsPerExample,
            ensemble.TrainingFlops);
        return (outcome, test);
    }
}
