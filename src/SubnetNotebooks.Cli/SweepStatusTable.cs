using Spectre.Console;
using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Cli;

/// <summary>The table of `subnet sweep --status`: one row per job (id, state, run folder) and a count per state.</summary>
public static class SweepStatusTable
{
    /// <summary>Reads every job's state (from its marks, and from squeue when the sweep was submitted to Slurm) and writes the table; returns 0.</summary>
    public static int Write(SweepPlan plan)
    {
        var engine = new SlurmEngine(plan);
        Write(plan, engine.Submissions().Count > 0 ? engine.States() : plan.Jobs.ToDictionary(j => j.Id, j => JobMarks.Read(plan.Root, j)));
        return 0;
    }

    /// <summary>Writes the table of the given states.</summary>
    public static void Write(SweepPlan plan, IReadOnlyDictionary<string, JobState> states)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("job").AddColumn("state").AddColumn("depends on").AddColumn("run folder");
        foreach (var job in plan.Jobs)
        {
            var state = states[job.Id];
            var color = state switch { JobState.Done => "green", JobState.Failed => "red", JobState.Running => "yellow", _ => "grey" };
            table.AddRow(new Markup(Markup.Escape(job.Id)), new Markup($"[{color}]{state.ToString().ToLowerInvariant()}[/]"),
                new Markup(Markup.Escape(job.DependsOn ?? "")), new Markup(Markup.Escape(job.Folder)));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(string.Join(", ", Enum.GetValues<JobState>().Select(s => $"{states.Values.Count(v => v == s)} {s.ToString().ToLowerInvariant()}")) +
            $" of {plan.Jobs.Count} jobs; failed jobs' errors: {JobMarks.Folder(plan.Root)}/<job>.failed");
    }
}
