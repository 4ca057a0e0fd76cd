using SubnetNotebooks.Experiments;
using Spectre.Console;

namespace SubnetNotebooks.Cli;

/// <summary>The closing table of `subnet reproduce`: method x (accuracy, NLL, ECE, Brier, OOD AUROC of entropy and energy, AURC, AUGRC, parameters, training time).</summary>
public static class ResultsTable
{
    public static void Write(ExperimentOutcome outcome)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("method").AddColumn(new TableColumn("M").RightAligned())
            .AddColumn(new TableColumn("accuracy").RightAligned()).AddColumn(new TableColumn("NLL").RightAligned())
            .AddColumn(new TableColumn("ECE").RightAligned()).AddColumn(new TableColumn("Brier").RightAligned())
            .AddColumn(new TableColumn("NLL (TS)").RightAligned()).AddColumn(new TableColumn("ECE (TS)").RightAligned())
            .AddColumn(new TableColumn("disagreement").RightAligned()).AddColumn(new TableColumn("OOD AUROC").RightAligned())
            .AddColumn(new TableColumn("AUROC energy").RightAligned()).AddColumn(new TableColumn("AURC").RightAligned())
            .AddColumn(new TableColumn("AUGRC").RightAligned()).AddColumn(new TableColumn("shift acc").RightAligned())
            .AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("MFLOPs/ex").RightAligned())
            .AddColumn(new TableColumn("train s").RightAligned());
        foreach (var m in outcome.Methods)
        {
            var flat = m.Flatten();
            string F(string key, string format) => flat.TryGetValue(key, out var v) && double.IsFinite(v) ? v.ToString(format) : "-";
            table.AddRow(m.Method, m.Members.ToString(), F("accuracy", "P2"), F("nll", "F4"), F("ece", "F4"), F("brier", "F4"),
                F("ts.nll", "F4"), F("ts.ece", "F4"), F("diversity.disagreement", "F4"), F("ood.auroc.entropy", "F4"),
                F("ood.auroc.energy", "F4"), F("aurc", "F4"), F("augrc", "F4"), F("shift.mean.accuracy", "P2"),
                m.Parameters.ToString("N0"), (m.FlopsPerExample / 1e6).ToString("F2"), m.TrainingSeconds.ToString("F0"));
        }
        AnsiConsole.Write(table);
    }
}
