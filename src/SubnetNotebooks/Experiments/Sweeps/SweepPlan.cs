using System.Text.Json;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>
/// A study expanded into jobs: experiments (grid points) x seeds x methods, the subnetwork ensemble split into a parent
/// job and a members job that depends on it. With budgetCurrency=seconds, subnet-budget's job depends on the MC-dropout job of
/// its experiment and seed, whose measured training seconds are its budget. Saved in the sweep folder as sweep.json (the study), jobs.json (the jobs)
/// and &lt;experiment&gt;/config.json; each job trains in &lt;experiment&gt;/seed&lt;S&gt;/&lt;method&gt;/.
/// </summary>
public sealed record SweepPlan(string Root, string Profile, IReadOnlyList<SweepPoint> Experiments, IReadOnlyList<long> Seeds,
    IReadOnlyList<string> Methods, IReadOnlyList<SweepJob> Jobs)
{
    /// <summary>The method whose parent and members are separate jobs.</summary>
    public const string SplitMethod = "subnet";
    /// <summary>The method whose training cost the equal-budget rows spend.</summary>
    public const string BudgetReference = "mcdropout";

    static bool SecondsBudget(ExperimentConfig config) =>
        config.Methods.Contains(Ensembles.BudgetedSubnetworkEnsemble.Name) && Ensembles.TrainingBudget.ParseCurrency(config.BudgetCurrency) == Ensembles.BudgetCurrency.Seconds;

    /// <summary>
    /// The run folder whose metrics.json holds MC dropout's training seconds for <paramref name="job"/> (its own, or the MC-dropout
    /// job's it depends on), or null for a job that depends on no MC-dropout job.
    /// </summary>
    public string? BudgetReferenceFolder(SweepJob job) =>
        job.DependsOn is { } id && Job(id).Method == BudgetReference ? RunFolder(Job(id)) : null;

    /// <summary>sweep.json in the sweep folder: the study.</summary>
    public string SweepPath => Path.Combine(Root, "sweep.json");
    /// <summary>jobs.json in the sweep folder: every job of the sweep.</summary>
    public string JobsPath => Path.Combine(Root, "jobs.json");
    /// <summary>The config of <paramref name="experiment"/> (seed and methods are set per job).</summary>
    public string ConfigPath(string experiment) => Path.Combine(Root, experiment, "config.json");
    /// <summary>The absolute run folder of <paramref name="job"/>.</summary>
    public string RunFolder(SweepJob job) => Path.Combine(Root, job.Folder);

    /// <summary>The job named <paramref name="id"/>; an unknown id is an error listing where the ids are.</summary>
    public SweepJob Job(string id) => Jobs.FirstOrDefault(j => j.Id == id)
        ?? throw new ArgumentException($"Sweep {Root} has no job '{id}': the job ids are in {JobsPath} (or run subnet sweep --status {Root}).");

    /// <summary>The config that <paramref name="job"/> trains: its experiment's config with the job's seed and one method.</summary>
    public ExperimentConfig ConfigFor(SweepJob job) =>
        ExperimentConfig.Load(ConfigPath(job.Experiment)) with { Seed = job.Seed, Methods = [job.Method] };

    /// <summary>Expands <paramref name="config"/> over the grid, <paramref name="seeds"/> and <paramref name="methods"/>; returns the plan and each experiment's config.</summary>
    public static (SweepPlan Plan, IReadOnlyDictionary<string, ExperimentConfig> Configs) Create(ExperimentConfig config, IReadOnlyList<long> seeds,
        IReadOnlyList<string> methods, IReadOnlyList<SweepPoint> experiments, string root)
    {
        if (seeds.Count == 0) throw new ArgumentException("--seeds is empty: pass e.g. --seeds 0,1,2.");
        if (methods.Count == 0) throw new ArgumentException("--methods is empty: pass e.g. --methods single,subnet.");
        var configs = new Dictionary<string, ExperimentConfig>();
        foreach (var point in experiments)
        {
            var c = point.Settings.Aggregate(config, (c, s) => c.Set(s.Key, s.Value)) with { Methods = methods.ToArray() };
            c.Validate();
            if (SecondsBudget(c) && !methods.Contains(BudgetReference))
                throw new ArgumentException($"budgetCurrency=seconds spends MC dropout's measured training seconds, and --methods {string.Join(",", methods)} " +
                    $"has no {BudgetReference}{(point.Name.Length > 0 ? $" (experiment {point.Name})" : "")}: add {BudgetReference} to --methods, or use --set budgetCurrency=flops.");
            configs[point.Name] = c;
        }
        var jobs = new List<SweepJob>();
        foreach (var point in experiments)
            foreach (var seed in seeds)
                foreach (var method in methods)
                {
                    var folder = Path.Combine(point.Name, $"seed{seed}", method);
                    var id = $"{point.Name}.seed{seed}.{method}";
                    if (method == SplitMethod)
                    {
                        jobs.Add(new SweepJob(id + ".parent", point.Name, seed, method, SweepStage.Parent, folder));
                        jobs.Add(new SweepJob(id, point.Name, seed, method, SweepStage.Members, folder, id + ".parent"));
                    }
                    else if (method == Ensembles.BudgetedSubnetworkEnsemble.Name && SecondsBudget(configs[point.Name]))
                        jobs.Add(new SweepJob(id, point.Name, seed, method, SweepStage.Method, folder, $"{point.Name}.seed{seed}.{BudgetReference}"));
                    else jobs.Add(new SweepJob(id, point.Name, seed, method, SweepStage.Method, folder));
                }
        return (new SweepPlan(Path.GetFullPath(root), config.Profile, experiments, seeds, methods, jobs), configs);
    }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    sealed record Study(string Profile, IReadOnlyList<SweepPoint> Experiments, IReadOnlyList<long> Seeds, IReadOnlyList<string> Methods);

    /// <summary>
    /// Writes sweep.json, jobs.json and every experiment's config.json. A folder that already holds a sweep must hold
    /// this one (rerunning the same command resumes it); another one is an error naming the file that differs.
    /// </summary>
    public void Save(IReadOnlyDictionary<string, ExperimentConfig> configs)
    {
        var files = new Dictionary<string, string>
        {
            [SweepPath] = JsonSerializer.Serialize(new Study(Profile, Experiments, Seeds, Methods), Json),
            [JobsPath] = JsonSerializer.Serialize(Jobs, Json),
        };
        foreach (var (name, config) in configs) files[ConfigPath(name)] = config.ToJson();
        // Threads and device may change between reruns (like a run folder's); every other field makes another sweep.
        string Comparable(string path, string text) => configs.Keys.Any(n => ConfigPath(n) == path)
            ? (ExperimentConfig.FromJson(text, path) with { Threads = 0, Device = "" }).ToJson() : text;
        foreach (var (path, text) in files)
            if (File.Exists(path) && Comparable(path, File.ReadAllText(path)) != Comparable(path, text))
                throw new InvalidOperationException($"{path} holds another sweep than the one asked for. Pass another --out, or repeat the command that made {Root} to resume it.");
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    /// <summary>Reads the plan that <see cref="Save"/> wrote into <paramref name="root"/>.</summary>
    public static SweepPlan Load(string root)
    {
        root = Path.GetFullPath(root);
        var sweepPath = Path.Combine(root, "sweep.json");
        if (!File.Exists(sweepPath)) throw new FileNotFoundException($"{sweepPath} not found: {root} is not a sweep folder. Create one with subnet sweep --profile P --seeds 0,1 --out {root}.", sweepPath);
        var study = JsonSerializer.Deserialize<Study>(File.ReadAllText(sweepPath), Json) ?? throw new InvalidDataException($"{sweepPath} is empty.");
        var jobs = JsonSerializer.Deserialize<List<SweepJob>>(File.ReadAllText(Path.Combine(root, "jobs.json")), Json) ?? [];
        return new SweepPlan(root, study.Profile, study.Experiments, study.Seeds, study.Methods, jobs);
    }
}
