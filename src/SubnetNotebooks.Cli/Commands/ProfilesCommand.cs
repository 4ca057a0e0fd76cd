using Spectre.Console;
using Spectre.Console.Cli;
using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet profiles`: every profile with its dataset, model, M, epochs of every stage, recipe, OOD and shift sets, and what it assumes.</summary>
public sealed class ProfilesCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellation)
    {
        foreach (var p in ProfileSummary.All())
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{p.Name}[/]  {p.Dataset}, {p.Model}, M = {p.Members}");
            AnsiConsole.WriteLine($"  epochs: baselines {p.Epochs}, parent {p.ParentEpochs}, subnetworks {p.SubnetEpochs}");
            AnsiConsole.WriteLine($"  optimiser: {p.Optimiser}");
            AnsiConsole.WriteLine($"  augmentation: {p.Augmentation}");
            AnsiConsole.WriteLine($"  OOD: {p.Ood}; shift: {p.Shift}");
            AnsiConsole.WriteLine($"  assumes: {p.Assumes}");
            AnsiConsole.WriteLine();
        }
        AnsiConsole.WriteLine($"aliases: {string.Join(", ", Profiles.Aliases.Select(a => $"{a.Key} = {a.Value}"))}. Pick one with --profile NAME or {Profiles.EnvironmentVariable}; `subnet plan --profile NAME` says what it costs here.");
        return 0;
    }
}
