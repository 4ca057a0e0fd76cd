using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet export-weights RUN_DIR [--out DIR]`: every trained single, MC-dropout, deep-ensemble and subnetwork member of a
/// run folder as a PyTorch state dict (.pt) plus manifest.json; scripts/pytorch/subnet_models.py loads them.
/// </summary>
public sealed class ExportWeightsCommand : Command<ExportWeightsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIR>")]
        [Description("A run folder written by subnet reproduce (config.json, predictions/, checkpoints/).")]
        public string RunDir { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("Export folder. Default: RUN_DIR/weights.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Directory.Exists(RunDir) ? ValidationResult.Success()
                : ValidationResult.Error($"Run folder '{RunDir}' does not exist; pass the --out folder of an earlier subnet reproduce.");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var outFolder = settings.Out ?? WeightsExport.DefaultFolder(settings.RunDir);
        var manifest = ConsoleProgress.Run(observer => WeightsExport.Run(settings.RunDir, outFolder, observer));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Method", "Member", "File", "Architecture", "Parameters");
        foreach (var n in manifest.Networks)
            table.AddRow(n.Method, n.Member.ToString(), Markup.Escape(n.File), n.Architecture, n.Parameters.ToString("N0"));
        AnsiConsole.Write(table);
        foreach (var s in manifest.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]{s.Method}[/] not exported: {s.Reason}");
        AnsiConsole.MarkupLineInterpolated($"Wrote {manifest.Networks.Count} state dicts and {Path.Combine(outFolder, "manifest.json")}; load them in PyTorch with scripts/pytorch/subnet_models.py.");
        return manifest.Networks.Count > 0 ? 0 : 1;
    }
}
