namespace SubnetNotebooks.Experiments;

/// <summary>
/// What a notebook opens: the finished run folder of a headless run when SUBNET_RUN_DIR names one (a folder that
/// `subnet reproduce --out DIR` left, with DIR/config.json and DIR/checkpoints), else the notebooks' own folders
/// under the profile of SUBNET_PROFILE. On a finished run the notebooks load every method from its checkpoints and
/// show every chart without training.
/// </summary>
public static class NotebookRun
{
    /// <summary>The folder named by <paramref name="runDir"/>, else by SUBNET_RUN_DIR (null when neither is set).</summary>
    static string? Folder(string? runDir) =>
        runDir ?? (Environment.GetEnvironmentVariable(ExperimentSession.RunFolderVariable) is { Length: > 0 } env ? env : null);

    /// <summary>True when <paramref name="runDir"/> (else SUBNET_RUN_DIR) is the folder of a finished headless run: it holds config.json.</summary>
    public static bool IsHeadlessRun(string? runDir = null) => Folder(runDir) is { } dir && File.Exists(Path.Combine(dir, "config.json"));

    /// <summary>The config of the headless run in <paramref name="runDir"/> (else SUBNET_RUN_DIR) when there is one, else the profile (SUBNET_PROFILE, else cpu).</summary>
    public static ExperimentConfig Config(string? runDir = null) =>
        IsHeadlessRun(runDir) ? ExperimentConfig.Load(Path.Combine(Folder(runDir)!, "config.json")) : Profiles.Get();

    /// <summary>
    /// The methods of <paramref name="wanted"/> a notebook trains or loads: on a headless run only those the run
    /// trained (so nothing new is trained), in the order of <paramref name="wanted"/>; otherwise all of them.
    /// </summary>
    public static string[] Methods(IEnumerable<string> wanted, string? runDir = null)
    {
        if (!IsHeadlessRun(runDir)) return wanted.ToArray();
        var trained = Config(runDir).Methods;
        return wanted.Where(m => trained.Contains(m, StringComparer.OrdinalIgnoreCase)).ToArray();
    }
}
