using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet datasets`: every known dataset and where it was found.</summary>
public sealed class DatasetsCommand : Command<DatasetsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data-dir <DIR>")]
        [Description("Folder searched first for datasets (also SUBNET_DATA).")]
        public string? DataDir { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLine("[yellow]datasets: the data layer is not built yet[/]");
        return 1;
    }
}
