using System.ComponentModel;
using SubnetNotebooks.Experiments;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>`subnet plan`: what `subnet reproduce` with the same options will do and cost, before it starts.</summary>
public sealed class PlanCommand : Command<PlanCommand.Settings>
{
    public sealed class Settings : ReproduceCommand.Settings
    {
        [CommandOption("--steps <N>")]
        [Description("Steps of each network timed per rehearsal epoch (two epochs on synthetic batches; the second is timed). Default 2.")]
        public int Steps { get; init; } = 2;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var config = settings.BuildRunConfig();
        PlanTable.Write(RunPlanner.Make(config, settings.Out ?? RunFolder.DefaultPath(config), settings.Steps));
        return 0;
    }
}
