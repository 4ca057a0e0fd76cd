using System.ComponentModel;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet reproduce`: trains and evaluates every method of one experiment and writes its run folder.</summary>
public sealed class ReproduceCommand : Command<ReproduceCommand.Settings>
{
    public sealed class Settings : ExperimentSettings
    {
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated methods: single, mcdropout, deep, subnet, batchensemble, mimo, masksembles, packed, overlap (default: the first four).")]
        public string? Methods { get; init; }

        [CommandOption("--amend")]
        [Description("Accept a run folder whose config.json differs (the old one is kept as config.before-amend-N.json): rerun some methods with other settings.")]
        public bool Amend { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var config = settings.BuildConfig();
        if (settings.Methods is not null)
            config = config with { Methods = settings.Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        config.Validate();
        var runFolder = settings.Out ?? RunFolder.DefaultPath(config);
        AnsiConsole.MarkupLineInterpolated($"[bold]subnet reproduce[/] {config.Dataset}, profile {config.Profile}, M = {config.Members}, methods {string.Join(",", config.Methods)}, seed {config.Seed}");
        AnsiConsole.MarkupLineInterpolated($"run folder: {runFolder}");
        var outcome = ConsoleProgress.Run(observer => ExperimentRunner.Run(config, runFolder, observer, cancellation, settings.Amend));
        ResultsTable.Write(outcome);
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.Combine(runFolder, "metrics.json")}, {Path.Combine(runFolder, "report.html")}");
        return 0;
    }
}
