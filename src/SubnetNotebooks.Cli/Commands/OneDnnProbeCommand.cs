using System.ComponentModel;
using Spectre.Console.Cli;
using SubnetNotebooks.Benchmarks;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>
/// `subnet onednn-probe`: one child process of the oneDNN instruction-set comparison (see <see cref="OneDnnIsaProbe"/>), run
/// at the cap that SUBNET_ONEDNN_ISA names. Writes the convolution check's result as JSON, or with --steps times training
/// steps on request.
/// </summary>
public sealed class OneDnnProbeCommand : Command<OneDnnProbeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--threads <N>")]
        [Description("libtorch CPU threads (default 2).")]
        public int Threads { get; init; } = 2;

        [CommandOption("--steps")]
        [Description("Instead of the convolution check, read model names (smallcnn, resnet18) from standard input and time one training step for each.")]
        public bool Steps { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Steps) OneDnnIsaProbe.ServeSteps(settings.Threads, Console.In, Console.Out);
        else OneDnnIsaProbe.WriteCheck(settings.Threads, Console.Out);
        return 0;
    }
}
