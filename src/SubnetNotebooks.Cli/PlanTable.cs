using SubnetNotebooks.Experiments;
using Spectre.Console;

namespace SubnetNotebooks.Cli;

/// <summary>The plan of `subnet plan` and of the start of `subnet reproduce`: runs with epochs, steps and estimated time; methods with cost.</summary>
public static class PlanTable
{
    public static void Write(RunPlan plan)
    {
        var c = plan.Config;
        AnsiConsole.MarkupLineInterpolated($"[bold]plan[/] profile {c.Profile}: {c.Dataset}, {ProfileSummary.ModelOf(c)}, M = {c.Members}, batch {c.BatchSize}, {plan.TrainImages:N0} training images an epoch");
        AnsiConsole.MarkupLineInterpolated($"run folder: {plan.RunFolder}");
        var runs = new Table().Border(TableBorder.Rounded).AddColumn("method").AddColumn("run")
            .AddColumn(new TableColumn("epochs").RightAligned()).AddColumn(new TableColumn("steps/epoch").RightAligned())
            .AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("s/step").RightAligned())
            .AddColumn(new TableColumn("estimate").RightAligned());
        foreach (var r in plan.Runs)
            runs.AddRow(r.Method, r.Run, r.Epochs.ToString("N0"), r.StepsPerEpoch.ToString("N0"), r.Steps.ToString("N0"),
                r.SecondsPerStep.ToString("F4"), RunPlan.Duration(r.EstimatedSeconds));
        AnsiConsole.Write(runs);
        var methods = new Table().Border(TableBorder.Rounded).AddColumn("method").AddColumn(new TableColumn("M").RightAligned())
            .AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("MFLOPs/example").RightAligned())
            .AddColumn(new TableColumn("training estimate").RightAligned());
        foreach (var m in plan.Methods)
            methods.AddRow(m.Method, m.Members.ToString(), m.Parameters.ToString("N0"), (m.FlopsPerExample / 1e6).ToString("N1"), RunPlan.Duration(m.EstimatedSeconds));
        AnsiConsole.Write(methods);
        foreach (var note in plan.Notes ?? []) AnsiConsole.MarkupLineInterpolated($"note: {note}");
        AnsiConsole.MarkupLineInterpolated($"estimated training time on {plan.Device}: [bold]{RunPlan.Duration(plan.EstimatedSeconds)}[/] (steps x step time timed here on synthetic batches; evaluation not included)");
    }
}
