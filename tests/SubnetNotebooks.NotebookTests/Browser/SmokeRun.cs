using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.NotebookTests.Browser;

/// <summary>One `subnet reproduce --profile smoke` run folder (report.html and all), made once for the browser tests.</summary>
public sealed class SmokeRun
{
    /// <summary>The run folder.</summary>
    public string Folder { get; } = Path.Combine(Repository.NewTempFolder("browser-smoke"), "smoke");

    public SmokeRun() => ExperimentRunner.Run(Profiles.Smoke, Folder);

    /// <summary>Where the browser tests save their screenshots: the test output, beside the test binaries.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "browser-screenshots")).FullName;
}
