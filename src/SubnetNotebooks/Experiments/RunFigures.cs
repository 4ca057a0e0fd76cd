using SubnetNotebooks.Plots.Browser;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// `subnet figures`: every chart of a run folder's report.html (or of a seed summary's, with its error bars) as a publication
/// figure in RUN_DIR/figures/, rendered offline by headless Chromium.
/// </summary>
public static class RunFigures
{
    /// <summary>The folder the figures of <paramref name="runDir"/> go to.</summary>
    /// <param name="runDir">a run folder or seed summary folder</param>
    public static string FolderOf(string runDir) => Path.Combine(runDir, "figures");

    /// <summary>Throws, naming the folder and the fix, unless <paramref name="runDir"/> is a run folder or seed summary folder with its report.</summary>
    /// <param name="runDir">the folder given on the command line</param>
    public static void Check(string runDir)
    {
        if (!Directory.Exists(runDir))
            throw new DirectoryNotFoundException($"RUN_DIR '{runDir}' does not exist; pass the --out folder of an earlier `subnet reproduce`.");
        bool run = File.Exists(Path.Combine(runDir, "config.json")) && File.Exists(Path.Combine(runDir, "metrics.json"));
        bool summary = File.Exists(Path.Combine(runDir, "summary.json"));
        if (!run && !summary)
            throw new ArgumentException($"RUN_DIR '{runDir}' is not a run folder: it has neither config.json with metrics.json (a run of `subnet reproduce " +
                "--out DIR`) nor summary.json (the folder of `subnet reproduce --seeds ... --out DIR`). Pass one of those folders.");
        if (!File.Exists(Path.Combine(runDir, "report.html")))
            throw new FileNotFoundException($"RUN_DIR '{runDir}' has no report.html, which holds the charts; write it again with `subnet reproduce " +
                $"--config {Path.Combine(runDir, "config.json")} --out {runDir}` (it resumes every method from its checkpoints).");
    }

    /// <summary>Writes every chart of <paramref name="runDir"/>'s report.html into <see cref="FolderOf"/> as <paramref name="format"/>.</summary>
    /// <param name="runDir">a run folder or seed summary folder</param>
    /// <param name="format">pdf, svg or png</param>
    public static async Task<IReadOnlyList<WrittenFigure>> WriteAsync(string runDir, FigureFormat format)
    {
        Check(runDir);
        await using var browser = await HeadlessChromium.StartAsync();
        return await FigureExport.WriteAsync(browser, Path.Combine(runDir, "report.html"), FolderOf(runDir), format);
    }
}
