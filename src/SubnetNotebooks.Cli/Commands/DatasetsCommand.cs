using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Data;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet datasets`: every known dataset, where it was found (or every place tried), its splits,
/// sample counts, classes and image shape, read from file headers only. With --download NAME it
/// first fetches that dataset from its official source (SHA-256 verified).
/// </summary>
public sealed class DatasetsCommand : Command<DatasetsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data-dir <DIR>")]
        [Description("Folder searched first for datasets (also SUBNET_DATA); downloads go there.")]
        public string? DataDir { get; init; }

        [CommandOption("--download <NAME>")]
        [Description("Download this dataset from its official source first (verified by SHA-256).")]
        public string? Download { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Download is { } name)
        {
            var info = DatasetCatalog.Info(name);
            var found = DatasetCatalog.Locate(info.Name, settings.DataDir);
            if (found.Found)
                AnsiConsole.MarkupLineInterpolated($"{info.Title} is already at {found.Path}; nothing to download.");
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Downloading {info.Title} into {DatasetCatalog.DataDirs(settings.DataDir)[0]} ...");
                var location = DatasetCatalog.Download(info.Name, settings.DataDir, new DatasetLoadOptions { Download = true });
                AnsiConsole.MarkupLineInterpolated($"[green]{info.Title} verified and unpacked at {location.Path}[/]");
            }
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Dataset", "Found at", "Train", "Test", "Classes", "Image");
        var errors = new List<DatasetFormatException>();
        var missing = new List<(DatasetInfo Info, DatasetLocation Location)>();
        foreach (var info in DatasetCatalog.Known)
        {
            DatasetSummary? summary = null;
            DatasetFormatException? error = null;
            try { summary = DatasetCatalog.Describe(info.Name, settings.DataDir); }
            catch (DatasetFormatException e) { error = e; errors.Add(e); }
            var location = summary?.Location ?? DatasetCatalog.Locate(info.Name, settings.DataDir);
            if (!location.Found) missing.Add((info, location));
            string where = error is not null ? $"[red]{Markup.Escape(location.Path ?? error.File)} (damaged)[/]"
                : location.Found ? Markup.Escape(location.Path!) : "[yellow]not found[/]";
            string Count(string split) => summary?.Splits.FirstOrDefault(s => s.Name == split) is { } s
                ? s.Count.ToString("N0")
                : $"[grey]({(split == "train" ? info.TrainCount : info.TestCount):N0})[/]";
            table.AddRow(Markup.Escape(info.Name), where, Count("train"), Count("test"), info.Classes.ToString(), info.Shape);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Counts in brackets are the official sizes of datasets not found here; see datasets.md.[/]");
        foreach (var (info, location) in missing)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{info.Name}[/] ({info.Title}) not found; places tried:");
            foreach (var place in location.Tried) AnsiConsole.MarkupLineInterpolated($"  {place.Path}: {place.Outcome}");
            AnsiConsole.MarkupLineInterpolated($"  get it: {info.HowToGet}");
        }
        if (errors.Count == 0) return 0;
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        foreach (var e in errors) err.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
        return 1;
    }
}
