using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Headless;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet run NOTEBOOK... --profile P --out DIR`: executes notebooks headlessly, in this process.</summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    static readonly IReadOnlyList<string> Profiles = SubnetNotebooks.Experiments.Profiles.Names;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NOTEBOOK>")]
        [Description("One or more .ipynb files, e.g. notebooks/*.ipynb.")]
        public string[] Notebooks { get; init; } = [];

        [CommandOption("--profile <PROFILE>")]
        [Description("Experiment profile the notebooks use (SUBNET_PROFILE): smoke, cpu or a paper-* profile (`subnet profiles`). Default: $SUBNET_PROFILE, else cpu.")]
        public string? Profile { get; init; }

        [CommandOption("--no-wait")]
        [Description("A notebook fails at once when another process is training the same run, instead of waiting (SUBNET_NO_WAIT=1).")]
        public bool NoWait { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder for the executed notebooks (SUBNET_RUN_DIR). Default: runs/notebooks-<profile>.")]
        public string? Out { get; init; }

        public string EffectiveProfile => Profile ?? Environment.GetEnvironmentVariable(NotebookRunner.ProfileVariable) ?? "cpu";

        public override ValidationResult Validate()
        {
            if (Notebooks.Length == 0) return ValidationResult.Error("Name at least one notebook, e.g. subnet run notebooks/00-setup-check.ipynb");
            if (!Profiles.Contains(EffectiveProfile))
                return ValidationResult.Error($"Unknown profile '{EffectiveProfile}': use {string.Join(", ", Profiles)}.");
            var missing = Notebooks.Where(n => !File.Exists(n)).ToList();
            if (missing.Count > 0) return ValidationResult.Error($"No such notebook: {string.Join(", ", missing)}");
            var notIpynb = Notebooks.Where(n => !n.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)).ToList();
            if (notIpynb.Count > 0) return ValidationResult.Error($"Not a .ipynb notebook: {string.Join(", ", notIpynb)}");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var profile = settings.EffectiveProfile;
        if (settings.NoWait) Environment.SetEnvironmentVariable(SubnetNotebooks.Training.TrainingLock.NoWaitVariable, "1");
        var options = new NotebookRunOptions(profile, settings.Out ?? Path.Combine("runs", $"notebooks-{profile}"),
            line => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]"));
        var results = await NotebookRunner.RunAllAsync(settings.Notebooks, options, cancellation);
        foreach (var r in results)
        {
            if (r.Succeeded) AnsiConsole.MarkupLineInterpolated($"[green]ok[/]     {r}");
            else Console.Error.WriteLine($"error: {r}");
        }
        return results.All(r => r.Succeeded) ? 0 : 1;
    }
}
