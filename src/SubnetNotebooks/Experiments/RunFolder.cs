using SubnetNotebooks.Metrics;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// The folder one experiment leaves behind: config.json, metrics.json + metrics.csv,
/// predictions/&lt;method&gt;.npy (float32 [M, N, C]) and &lt;method&gt;.logits.npy with predictions/labels.npy, reports/&lt;method&gt;.json
/// (every metric in detail), checkpoints/, report.html. Opening an existing folder resumes it.
/// </summary>
public sealed class RunFolder
{
    RunFolder(string path) => Root = path;

    /// <summary>The folder itself.</summary>
    public string Root { get; }
    /// <summary>Checkpoint root: one sub-folder per training run.</summary>
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    /// <summary>config.json: the experiment's config, so the run can be repeated or resumed.</summary>
    public string ConfigPath => Path.Combine(Root, "config.json");
    /// <summary>metrics.json: the metrics of every evaluated method (method x metric).</summary>
    public string MetricsJsonPath => Path.Combine(Root, "metrics.json");
    /// <summary>metrics.csv: the table of metrics.json, one row per method.</summary>
    public string MetricsCsvPath => Path.Combine(Root, "metrics.csv");
    /// <summary>report.html: the charts of the methods evaluated so far.</summary>
    public string ReportPath => Path.Combine(Root, "report.html");
    /// <summary>Where the predictions of <paramref name="method"/> go.</summary>
    public string PredictionsPath(string method) => Path.Combine(Root, "predictions", $"{method}.npy");
    /// <summary>predictions/labels.npy: the test labels, int64 [N].</summary>
    public string LabelsPath => Path.Combine(Root, "predictions", "labels.npy");
    /// <summary>Where the logits of <paramref name="method"/> go (the layout of its predictions).</summary>
    public string LogitsPath(string method) => Path.Combine(Root, "predictions", $"{method}.logits.npy");

    /// <summary>runs/&lt;profile&gt;-&lt;dataset&gt;-m&lt;M&gt;-seed&lt;S&gt;.</summary>
    public static string DefaultPath(ExperimentConfig config) =>
        Path.Combine("runs", $"{config.Profile}-{config.Dataset}-m{config.Members}-seed{config.Seed}");

    /// <summary>
    /// The folder to open for <paramref name="path"/>: the path itself, or — when it is &lt;dir&gt;/methods (the notebooks'
    /// shared folder of trained methods), does not exist, and &lt;dir&gt; holds a run (config.json) — &lt;dir&gt;, the
    /// layout `subnet reproduce --out DIR` leaves, so notebooks pointed at DIR load its methods.
    /// </summary>
    public static string Locate(string path)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(path);
        if (Path.GetFileName(trimmed) != "methods" || Directory.Exists(trimmed)) return path;
        var parent = Path.GetDirectoryName(trimmed);
        return !string.IsNullOrEmpty(parent) && File.Exists(Path.Combine(parent, "config.json")) ? parent : path;
    }

    /// <summary>
    /// Creates the folder and writes config.json, or reopens a folder of the same experiment to resume it.
    /// A folder that holds a different experiment is an error naming the fields that differ, unless
    /// <paramref name="amend"/> (`--amend`): then the new config is written and the old one kept as
    /// config.before-amend-N.json, e.g. to rerun one diverged method with another learning rate.
    /// </summary>
    public static RunFolder Open(string path, ExperimentConfig config, bool amend = false)
    {
        var folder = new RunFolder(path);
        Directory.CreateDirectory(path);
        if (File.Exists(folder.ConfigPath))
        {
            var saved = ExperimentConfig.Load(folder.ConfigPath);
            var differences = Differences(saved, config);
            if (differences.Count > 0 && !amend)
                throw new InvalidOperationException(
                    $"Run folder {path} holds another experiment (config.json differs in {string.Join(", ", differences)}). " +
                    $"Pass another --out, or --config {folder.ConfigPath} to resume that one, or --amend to rerun some methods of it with these settings.");
            if (differences.Count > 0)
            {
                int n = 1;
                while (File.Exists(Path.Combine(path, $"config.before-amend-{n}.json"))) n++;
                File.Copy(folder.ConfigPath, Path.Combine(path, $"config.before-amend-{n}.json"));
            }
        }
        AtomicFile.WriteText(folder.ConfigPath, config.ToJson());
        return folder;
    }

    /// <summary>Fields whose change makes a different experiment (methods, device, threads, deterministic and the batch pipeline's options may change on resume).</summary>
    static List<string> Differences(ExperimentConfig a, ExperimentConfig b)
    {
        static ExperimentConfig Experiment(ExperimentConfig c) =>
            c with { Methods = [], Device = "", Threads = 0, DeviceData = default, DeviceDataLimitMb = 0, Prefetch = 0, Deterministic = false };
        var left = System.Text.Json.Nodes.JsonNode.Parse(Experiment(a).ToJson())!.AsObject();
        var right = System.Text.Json.Nodes.JsonNode.Parse(Experiment(b).ToJson())!.AsObject();
        return left.Where(p => p.Value?.ToJsonString() != right[p.Key]?.ToJsonString()).Select(p => p.Key).ToList();
    }

    /// <summary>Writes predictions/&lt;method&gt;.npy, predictions/labels.npy and, when the predictions carry logits, predictions/&lt;method&gt;.logits.npy.</summary>
    public void SavePredictions(string method, Predictions predictions)
    {
        Directory.CreateDirectory(Path.Combine(Root, "predictions"));
        predictions.SaveNpy(PredictionsPath(method), LabelsPath, LogitsPath(method));
    }

    /// <summary>
    /// Writes reports/&lt;method&gt;.json: every metric of one method in detail (bins, matrices), and
    /// reports/&lt;method&gt;.shift.json with the quality per corruption and severity when it was measured.
    /// </summary>
    public void SaveReport(string method, EvaluationReport report, ShiftReport? shift = null)
    {
        Directory.CreateDirectory(Path.Combine(Root, "reports"));
        report.SaveJson(Path.Combine(Root, "reports", $"{method}.json"));
        if (shift is not null)
            File.WriteAllText(Path.Combine(Root, "reports", $"{method}.shift.json"),
                System.Text.Json.JsonSerializer.Serialize(shift, new System.Text.Json.JsonSerializerOptions
                {
                    WriteIndented = true,
                    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                }));
    }

    /// <summary>
    /// Writes metrics.json and metrics.csv (method x metric). Rows of methods that an earlier run of this folder
    /// evaluated and <paramref name="table"/> lacks are kept, so running more methods later adds to the table.
    /// Several processes may save into one folder: the merge holds metrics.json.lock and re-reads the file under
    /// it, and both files are replaced atomically, so no process loses another's rows.
    /// </summary>
    public void SaveMetrics(MetricsTable table)
    {
        using var guard = TrainingLock.Acquire(MetricsJsonPath + TrainingLock.FileName, $"{MetricsJsonPath}", wait: true, onWait: _ => { },
            poll: TimeSpan.FromMilliseconds(20));
        var merged = File.Exists(MetricsJsonPath) ? MetricsTable.FromJson(File.ReadAllText(MetricsJsonPath)) : new MetricsTable();
        foreach (var method in table.Methods)
            merged.Add(method, table.Row(method));
        AtomicFile.WriteText(MetricsJsonPath, merged.ToJson());
        AtomicFile.WriteText(MetricsCsvPath, merged.ToCsv());
    }
}
