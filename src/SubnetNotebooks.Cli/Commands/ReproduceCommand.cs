using System.ComponentModel;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet reproduce`: trains and evaluates every method of one experiment and writes its run folder; with --seeds, one
/// run folder per seed (OUT/seed&lt;S&gt;) and the mean ± std summary beside them (OUT/summary.json, .csv, .md, report.html).
/// </summary>
public sealed class ReproduceCommand : Command<ReproduceCommand.Settings>
{
    public class Settings : ExperimentSettings
    {
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated methods: single, mcdropout, deep, subnet, subnet-budget, deep-budget, batchensemble, mimo, masksembles, packed, overlap (default: the profile's).")]
        public string? Methods { get; init; }

        [CommandOption("--amend")]
        [Description("Accept a run folder whose config.json differs (the old one is kept as config.before-amend-N.json): rerun some methods with other settings.")]
        public bool Amend { get; init; }

        [CommandOption("--seeds <LIST>")]
        [Description("Run every seed, e.g. 0,1,2 or 0-2: one run folder per seed, OUT/seed<S> (default OUT: runs/<profile>-<dataset>-m<M>-seeds), " +
                     "and OUT/summary.json, summary.csv, summary.md, report.html with mean ± std. A finished seed folder is kept, not retrained.")]
        public string? Seeds { get; init; }

        public override ValidationResult Validate() =>
            Seeds is not null && Seed is not null
                ? ValidationResult.Error($"--seed {Seed} and --seeds {Seeds} both name seeds: pass --seed S for one run or --seeds 0,1,2 for a sweep.")
                : ValidationResult.Success();

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
        if (settings.Seeds is not null) return Sweep(config, SeedSweep.ParseSeeds(settings.Seeds), settings.Out ?? SeedSweep.DefaultRoot(config), cancellation);
        var runFolder = settings.Out ?? RunFolder.DefaultPath(config);
        if (settings.PlanSteps > 0) PlanTable.Write(RunPlanner.Make(config, runFolder, settings.PlanSteps));
        AnsiConsole.MarkupLineInterpolated($"[bold]subnet reproduce[/] {config.Dataset}, profile {config.Profile}, M = {config.Members}, methods {string.Join(",", config.Methods)}, seed {config.Seed}");
        AnsiConsole.MarkupLineInterpolated($"run folder: {runFolder}");
        var outcome = ConsoleProgress.Run(observer => ExperimentRunner.Run(config, runFolder, observer, cancellation, settings.Amend));
        ResultsTable.Write(outcome);
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.Combine(runFolder, "metrics.json")}, {Path.Combine(runFolder, "report.html")}");
        return 0;
    }

    static int Sweep(ExperimentConfig config, IReadOnlyList<long> seeds, string root, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]subnet reproduce[/] {config.Dataset}, profile {config.Profile}, M = {config.Members}, methods {string.Join(",", config.Methods)}, seeds {string.Join(",", seeds)}");
        AnsiConsole.MarkupLineInterpolated($"run folders: {SeedSweep.SeedFolder(root, seeds[0])} ...");
        ConsoleProgress.Run(observer => SeedSweep.Run(config, seeds, root, observer, cancellation));
        Console.WriteLine(File.ReadAllText(Path.Combine(root, "summary.md")));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.Combine(root, "summary.md")}, summary.json, summary.csv, report.html");
        return 0;
    }
}
