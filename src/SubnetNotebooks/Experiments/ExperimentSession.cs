using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>A trained method: the ensemble itself, its evaluation and its test predictions [M, N, C].</summary>
public sealed record TrainedMethod(IEnsemble Ensemble, MethodOutcome Outcome, Predictions Test);

/// <summary>
/// One experiment opened step by step: config, device, data and run folder, then methods trained and
/// evaluated one at a time. `subnet reproduce` loops over the configured methods; a notebook calls the
/// same steps cell by cell. Every evaluated method is written to the run folder at once.
/// </summary>
public sealed class ExperimentSession : IDisposable
{
    readonly List<TrainedMethod> _methods = [];

    ExperimentSession(ExperimentConfig config, Device device, RunFolder folder, ExperimentData data, string? studyFolder)
    {
        Config = config; Device = device; Folder = folder; Data = data;
        Executions = new ExecutionRecord(studyFolder is null ? [Path.Combine(folder.Root, ExecutionRecord.FileName)]
            : [Path.Combine(folder.Root, ExecutionRecord.FileName), Path.Combine(studyFolder, ExecutionRecord.FileName)]);
    }

    /// <summary>The experiment, validated.</summary>
    public ExperimentConfig Config { get; }
    /// <summary>Where the networks train and predict (the config's device, auto resolved).</summary>
    public Device Device { get; }
    /// <summary>The run folder every evaluated method is written to.</summary>
    public RunFolder Folder { get; }
    /// <summary>The experiment's data, loaded once and shared by every method.</summary>
    public ExperimentData Data { get; }
    /// <summary>Every method trained and evaluated so far, in order.</summary>
    public IReadOnlyList<TrainedMethod> Methods => _methods;
    /// <summary>
    /// Where execution=auto reads and records its choice: the run folder's execution.json, then the study's (the seeds' root, the
    /// sweep folder) when the session belongs to one. Replace it to inject a step timer.
    /// </summary>
    public ExecutionRecord Executions { get; set; }

    /// <summary>The environment variable that names the run folder of a notebook run (set by `subnet run`).</summary>
    public const string RunFolderVariable = "SUBNET_RUN_DIR";

    /// <summary>
    /// Validates the config, prepares torch (threads, seed, device), opens (or resumes) the run folder and loads the data.
    /// Without <paramref name="runFolder"/>: SUBNET_RUN_DIR if set, else runs/&lt;profile&gt;-&lt;dataset&gt;-m&lt;M&gt;-seed&lt;S&gt;.
    /// A &lt;dir&gt;/methods path opens &lt;dir&gt; when that is a `subnet reproduce --out` folder (<see cref="RunFolder.Locate"/>).
    /// </summary>
    /// <param name="amend">accept a run folder whose config.json differs (see <see cref="RunFolder.Open"/>)</param>
    /// <param name="config">the experiment</param>
    /// <param name="runFolder">the run folder (null: see above)</param>
    /// <param name="observer">hears stages and training progress (null: nothing)</param>
    /// <param name="studyFolder">the folder of the study the run belongs to (the seeds' root, the sweep folder), whose execution.json
    /// every run of the study shares; null: the run folder's own</param>
    public static ExperimentSession Open(ExperimentConfig config, string? runFolder = null, IExperimentObserver? observer = null, bool amend = false,
        string? studyFolder = null)
    {
        config.Validate();
        var device = ExperimentRunner.Prepare(config);
        runFolder ??= Environment.GetEnvironmentVariable(RunFolderVariable) is { Length: > 0 } env ? env : RunFolder.DefaultPath(config);
        var folder = RunFolder.Open(RunFolder.Locate(runFolder), config, amend);
        observer?.OnStage("data", $"loading {config.Dataset}" + (string.IsNullOrEmpty(config.OodDataset) ? "" : $" and {config.OodDataset} (OOD)"));
        var data = ExperimentData.Load(config);
        observer?.OnStage("data", $"train {data.Train.Count:N0}, validation {data.Validation.Count:N0}, test {data.Test.Count:N0}" +
            (data.Ood is null ? "" : $", OOD {data.Ood.Count:N0}"));
        return new ExperimentSession(config, device, folder, data, studyFolder);
    }

    /// <summary>An untrained ensemble of <paramref name="method"/> configured by this session.</summary>
    public IEnsemble Create(string method) => Experiments.Methods.Create(method, Config, Data.Info, McDropoutTrainingSeconds);

    /// <summary>
    /// Another run folder whose metrics.json holds MC dropout's training seconds (a sweep's MC-dropout job, which the budget job
    /// waits for); null: only this session and its own folder.
    /// </summary>
    public string? BudgetReferenceFolder { get; set; }

    /// <summary>
    /// MC dropout's measured training seconds: from this session, else from the run folder's metrics.json, else from
    /// <see cref="BudgetReferenceFolder"/>'s; null when none has it.
    /// </summary>
    public double? McDropoutTrainingSeconds() =>
        _methods.FirstOrDefault(m => m.Outcome.Method == "mcdropout")?.Outcome.TrainingSeconds
        ?? McDropoutSecondsIn(Folder.MetricsJsonPath)
        ?? (BudgetReferenceFolder is { } other ? McDropoutSecondsIn(Path.Combine(other, "metrics.json")) : null);

    static double? McDropoutSecondsIn(string metricsJson) =>
        File.Exists(metricsJson) ? MetricsTable.FromJson(File.ReadAllText(metricsJson)).Get("mcdropout", "cost.train_seconds") : null;

    /// <summary>
    /// The training context: seeded training batches, the device, checkpoints in the run folder, and the validation split
    /// evaluated after every epoch when the observer wants it (<see cref="ITrainingObserver.WantsValidation"/>, e.g. a
    /// notebook's live chart) and the split is not empty.
    /// </summary>
    public EnsembleTrainingContext Context(ITrainingObserver? observer = null, CancellationToken cancellation = default) =>
        new(Data.TrainBatches(Config, Config.Seed), Data.ValidationFor(observer, Config), Device, Folder.Checkpoints, observer, cancellation, Executions);

    /// <summary>Creates, trains (resuming from checkpoints) and evaluates <paramref name="method"/>.</summary>
    public TrainedMethod Train(string method, ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        var ensemble = Create(method);
        CostMeasurement.ResetPeak(); // cost.peak_memory_bytes: this method's training and evaluation only
        try
        {
            (observer as IExperimentObserver)?.OnStage(method, "training");
            ensemble.Fit(Context(observer, cancellation));
            (observer as IExperimentObserver)?.OnStage(method, "evaluating");
            return Evaluate(ensemble);
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }

    /// <summary>Evaluates a trained ensemble (test, validation for temperature scaling, OOD), records it and updates the run folder.</summary>
    public TrainedMethod Evaluate(IEnsemble ensemble)
    {
        var (outcome, test) = ExperimentRunner.Evaluate(ensemble, Data, Config, Device);
        var trained = new TrainedMethod(ensemble, outcome, test);
        int existing = _methods.FindIndex(m => m.Outcome.Method == outcome.Method);
        if (existing >= 0)
        {
            if (!ReferenceEquals(_methods[existing].Ensemble, ensemble)) _methods[existing].Ensemble.Dispose();
            _methods[existing] = trained;
        }
        else _methods.Add(trained);
        Folder.SavePredictions(outcome.Method, test);
        Folder.SaveReport(outcome.Method, outcome.Report, outcome.Shift);
        Folder.SaveMetrics(Outcome.Table());
        return trained;
    }

    /// <summary>The outcomes so far as one experiment outcome.</summary>
    public ExperimentOutcome Outcome => new(Config, Folder.Root, _methods.Select(m => m.Outcome).ToArray());

    /// <summary>Writes report.html with every chart of the methods evaluated so far.</summary>
    public string WriteReport()
    {
        RunReport.Write(Outcome, Folder);
        return Folder.ReportPath;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var m in _methods) m.Ensemble.Dispose();
        _methods.Clear();
        Data.Dispose();
    }
}
