using System.ComponentModel;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet reproduce`: trains and evaluates every method of one experiment and writes its run folder.</summary>
public sealed class ReproduceCommand : Command<ReproduceCommand.Settings>
{
    public class Settings : ExperimentSettings
    {
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated methods: single, mcdropout, deep, subnet, batchensemble, mimo, masksembles, packed, overlap (default: the first four).")]
        public string? Methods { get; init; }

        [CommandOption("--plan-steps <N>")]
        [Description("Steps of each network timed for the plan printed first (see `subnet plan`); 0 skips the plan. Default 2.")]
        public int PlanSteps { get; init; } = 2;

        /// <summary>The config of <see cref="ExperimentSettings.BuildConfig"/> with --methods applied, validated.</summary>
        public ExperimentConfig BuildRunConfig()
        {
            var config = BuildConfig();
            if (Methods is not null)
                config = config with { Methods = Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
            config.Validate();
            return config;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var config = settings.BuildRunConfig();
        var runFolder = settings.Out ?? RunFolder.DefaultPath(config);
        if (settings.PlanSteps > 0) PlanTable.Write(RunPlanner.Make(config, runFolder, settings.PlanSteps));
        AnsiConsole.MarkupLineInterpolated($"[bold]subnet reproduce[/] {config.Dataset}, profile {config.Profile}, M = {config.Members}, methods {string.Join(",", config.Methods)}, seed {config.Seed}");
        AnsiConsole.MarkupLineInterpolated($"run folder: {runFolder}");
        var outcome = ConsoleProgress.Run(observer => ExperimentRunner.Run(config, runFolder, observer, cancellation));
        ResultsTable.Write(outcome);
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.Combine(runFolder, "metrics.json")}, {Path.Combine(runFolder, "report.html")}");
        return 0;
    }
}
