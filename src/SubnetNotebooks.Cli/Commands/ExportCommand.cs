using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Pages;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet export NOTEBOOK...`: writes each notebook's .NET 10 file-based app, &lt;notebook folder&gt;/apps/NN-name.cs.</summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NOTEBOOK>")]
        [Description("One or more .ipynb files, e.g. notebooks/*.ipynb.")]
        public string[] Notebooks { get; init; } = [];

        public override ValidationResult Validate()
        {
            if (Notebooks.Length == 0) return ValidationResult.Error("Name at least one notebook, e.g. subnet export notebooks/*.ipynb");
            var missing = Notebooks.Where(n => !File.Exists(n) || !n.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)).ToList();
            return missing.Count > 0 ? ValidationResult.Error($"Not an existing .ipynb notebook: {string.Join(", ", missing)}") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        foreach (var path in NotebookApp.Export(settings.Notebooks))
            AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}");
        return 0;
    }
}
