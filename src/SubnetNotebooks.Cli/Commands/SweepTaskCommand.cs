using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet sweep-task DIR JOB`: runs one job of a sweep (what each worker process and Slurm task calls).</summary>
public sealed class SweepTaskCommand : Command<SweepTaskCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("The sweep folder (holds sweep.json and jobs.json).")]
        public string Root { get; init; } = "";

        [CommandArgument(1, "<JOB>")]
        [Description("A job id of jobs.json, e.g. base.seed0.subnet.parent.")]
        public string Job { get; init; } = "";

        [CommandOption("--threads <N>")]
        [Description("CPU threads for libtorch (default: the experiment's config).")]
        public int Threads { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]subnet sweep-task[/] {settings.Root} {settings.Job}");
        var metrics = ConsoleProgress.Run(observer => SweepTask.Run(settings.Root, settings.Job, settings.Threads, observer, cancellation));
        var shown = string.Join(", ", new[] { "accuracy", "nll", "ece" }.Where(metrics.ContainsKey).Select(k => $"{k} {metrics[k]:F4}"));
        AnsiConsole.MarkupLineInterpolated($"done {settings.Job}: {shown}");
        return 0;
    }
}
