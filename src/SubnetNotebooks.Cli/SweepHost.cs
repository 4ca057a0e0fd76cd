using System.Reflection;
using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Cli;

/// <summary>What the sweep verbs need from this process: how to start the CLI again, how many GPUs there are.</summary>
public static class SweepHost
{
    /// <summary>The command line that runs this CLI: its apphost, or `dotnet subnet.dll` when started through dotnet.</summary>
    public static IReadOnlyList<string> Launcher()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of the running subnet command is unknown: run it as a file (bin/.../subnet), not from memory.");
        var name = Path.GetFileNameWithoutExtension(process);
        return name == "dotnet" ? [process, Assembly.GetEntryAssembly()!.Location] : [process];
    }

    /// <summary>GPUs libtorch sees on this machine (0 when the config asks for the CPU or CUDA is not available).</summary>
    public static int Gpus(ExperimentConfig config) =>
        config.Device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase) || !TorchSharp.torch.cuda.is_available() ? 0 : TorchSharp.torch.cuda.device_count();
}
