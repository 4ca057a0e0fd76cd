using System.Text.Json.Nodes;

namespace SubnetNotebooks.Experiments;

/// <summary>One variant of an ablation: its name, the config field changed (empty for the base) and the method's outcome.</summary>
public sealed record AblationResult(string Name, string Field, string Value, MethodOutcome Outcome);

/// <summary>
/// Ablations of one method: a base config and variants that each change one field (<see cref="ExperimentConfig.Set"/>),
/// every variant an experiment of that method alone in its own run folder under <see cref="Root"/> ("base",
/// "&lt;field&gt;-&lt;value&gt;"), so variants resume and never clash. A variant equal to the base is the base (trained once).
/// For the subnetwork method, a variant that changes only what happens after the parent (members, criterion, partition,
/// granularity, inherit, execution, subnetwork epochs or learning rate) starts from the base's trained parent: its checkpoint is copied
/// into the variant's folder, so the parent is trained once for the whole study.
/// </summary>
public sealed class AblationStudy
{
    /// <summary>Config fields the subnetwork method uses only after the parent is trained (JSON names).</summary>
    public static IReadOnlyList<string> AfterParentFields { get; } =
        ["members", "criterion", "partition", "granularity", "inherit", "execution", "subnetEpochs", "subnetLearningRate"];

    const string ParentRun = "subnet/parent";
    static readonly string[] RunOnlyFields = ["methods", "device", "threads"];
    readonly Dictionary<string, AblationResult> _done = new(StringComparer.Ordinal);

    /// <param name="config">the base config (its methods are replaced by <paramref name="method"/>)</param>
    /// <param name="root">folder that holds one run folder per variant</param>
    /// <param name="method">the method every variant trains, e.g. subnet</param>
    /// <param name="observer">progress of every variant's training</param>
    public AblationStudy(ExperimentConfig config, string root, string method = "subnet", IExperimentObserver? observer = null)
    {
        Base = config with { Methods = [method] };
        Base.Validate();
        Root = root;
        Method = method;
        Observer = observer;
    }

    /// <summary>The base config, its methods replaced by <see cref="Method"/>; every variant changes one field of it.</summary>
    public ExperimentConfig Base { get; }
    /// <summary>The folder that holds one run folder per variant.</summary>
    public string Root { get; }
    /// <summary>The method every variant trains, e.g. subnet.</summary>
    public string Method { get; }
    /// <summary>Receives the progress of the variants trained from now on (e.g. a new live chart per sweep).</summary>
    public IExperimentObserver? Observer { get; set; }

    /// <summary>The base variant (trained on first use).</summary>
    public AblationResult Baseline => Run(Base, "base", "", "");

    /// <summary>The variant with <paramref name="field"/> set to <paramref name="value"/> (trained on first use).</summary>
    public AblationResult Variant(string field, string value) => Run(Base.Set(field, value), $"{field}={value}", field, value);

    /// <summary>Every variant of one field, in the order given (the base value included where listed).</summary>
    public IReadOnlyList<AblationResult> Sweep(string field, params string[] values) => values.Select(v => Variant(field, v)).ToArray();

    /// <summary>Every variant trained so far.</summary>
    public IReadOnlyList<AblationResult> Results => _done.Values.ToArray();

    AblationResult Run(ExperimentConfig config, string name, string field, string value)
    {
        var key = config.ToJson();
        if (_done.TryGetValue(key, out var known)) return known with { Name = name, Field = field, Value = value };
        bool isBase = key == Base.ToJson();
        var folder = Path.Combine(Root, isBase ? "base" : FolderName($"{field}-{value}"));
        if (!isBase && Method == "subnet" && SameParent(config, Base)) SeedParent(folder);
        Observer?.OnStage(isBase ? "base" : name, $"training {Method} in {folder}");
        using var session = ExperimentSession.Open(config, folder, Observer);
        var trained = session.Train(Method, Observer);
        var result = new AblationResult(isBase ? "base" : name, isBase ? "" : field, isBase ? "" : value, trained.Outcome);
        _done[key] = result;
        return result;
    }

    /// <summary>Copies the base's parent checkpoint into <paramref name="folder"/> unless the variant already has one.</summary>
    void SeedParent(string folder)
    {
        _ = Baseline;
        var from = Path.Combine(Root, "base", "checkpoints", ParentRun.Replace('/', Path.DirectorySeparatorChar));
        var to = Path.Combine(folder, "checkpoints", ParentRun.Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(from) || Directory.Exists(to)) return;
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    /// <summary>True when two configs train the same parent (they differ only in fields used after it).</summary>
    static bool SameParent(ExperimentConfig a, ExperimentConfig b) => Strip(a) == Strip(b);

    static string Strip(ExperimentConfig config)
    {
        var node = JsonNode.Parse(config.ToJson())!.AsObject();
        foreach (var f in AfterParentFields.Concat(RunOnlyFields)) node.Remove(f);
        return node.ToJsonString();
    }

    static string FolderName(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
