using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Plots.Browser;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet figures RUN_DIR [--format pdf|svg|png]`: every chart of a run (or seed summary) as a publication figure in RUN_DIR/figures/.</summary>
public sealed class FiguresCommand : AsyncCommand<FiguresCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIR>")]
        [Description("A run folder of subnet reproduce (config.json, metrics.json, report.html) or a seed summary folder (summary.json, report.html).")]
        public string RunDir { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("pdf (default), svg or png.")]
        [DefaultValue("pdf")]
        public string Format { get; init; } = "pdf";

        public override ValidationResult Validate() =>
            Enum.TryParse<FigureFormat>(Format, ignoreCase: true, out _) && !int.TryParse(Format, out _) ? ValidationResult.Success()
                : ValidationResult.Error($"--format '{Format}' is unknown: use pdf, svg or png.");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var figures = await RunFigures.WriteAsync(settings.RunDir, Enum.Parse<FigureFormat>(settings.Format, ignoreCase: true));
        foreach (var f in figures) AnsiConsole.MarkupLineInterpolated($"{f.Path} ({f.Width} × {f.Height} px)");
        AnsiConsole.MarkupLineInterpolated($"wrote {figures.Count} figures to {RunFigures.FolderOf(settings.RunDir)}");
        return 0;
    }
}
