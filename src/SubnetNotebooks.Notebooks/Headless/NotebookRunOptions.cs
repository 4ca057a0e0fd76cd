namespace SubnetNotebooks.Headless;

/// <summary>How <see cref="NotebookRunner"/> runs notebooks.</summary>
/// <param name="Profile">Experiment profile the notebooks read from SUBNET_PROFILE: smoke, cpu or paper.</param>
/// <param name="OutputDirectory">Folder that receives the executed notebooks; also exported as SUBNET_RUN_DIR.</param>
/// <param name="Log">Receives one line per notebook and per cell as they run (null: silent).</param>
public sealed record NotebookRunOptions(string Profile, string OutputDirectory, Action<string>? Log = null);
