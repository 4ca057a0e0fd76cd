using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet collect DIR`: each experiment's summary over seeds from the finished run folders of a sweep, one report.html, and the jobs not done.</summary>
public sealed class CollectCommand : Command<CollectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("The sweep folder (holds sweep.json and jobs.json).")]
        public string Root { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var plan = SweepPlan.Load(settings.Root);
        var engine = new SlurmEngine(plan);
        var collection = SweepCollection.Collect(plan, engine.Submissions().Count > 0 ? engine.States() : null);
        foreach (var (experiment, summary) in collection.Summaries)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{experiment}[/] (seeds {string.Join(", ", summary.Seeds)}): {Path.Combine(plan.Root, experiment, "summary.md")}");
            Console.WriteLine(SeedSummaryTable.Markdown(summary));
        }
        foreach (var (job, state) in collection.Unfinished)
            AnsiConsole.MarkupLineInterpolated($"[yellow]not collected[/] {job.Id}: {state.ToString().ToLowerInvariant()}");
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.Combine(plan.Root, "report.html")}; {plan.Jobs.Count - collection.Unfinished.Count} of {plan.Jobs.Count} jobs done");
        return 0;
    }
}
