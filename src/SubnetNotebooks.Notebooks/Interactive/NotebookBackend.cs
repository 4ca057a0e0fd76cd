namespace SubnetNotebooks.Interactive;

/// <summary>
/// The libtorch backend a notebook loads (cpu or cuda), chosen without editing a tracked file: the
/// SUBNET_TORCH_BACKEND environment variable (the same one the build reads), else the first word of the
/// untracked file <c>torch-backend.local</c> at the repository root, else cpu. Also tells a user who has an
/// NVIDIA GPU but the CPU backend that the notebook will train on the CPU.
/// </summary>
public static class NotebookBackend
{
    /// <summary>Environment variable naming the backend (also read by Directory.Build.props).</summary>
    public const string Variable = "SUBNET_TORCH_BACKEND";

    /// <summary>Name of the untracked file (repository root) that names the backend when the variable is unset.</summary>
    public const string LocalFile = "torch-backend.local";

    /// <summary>The TorchSharp version the kit builds against (Directory.Packages.props).</summary>
    public const string TorchSharpVersion = "0.107.0";

    /// <summary>
    /// The backend from the variable's value, else the local file's text, else "cpu".
    /// Throws for anything but cpu or cuda, naming where the value came from.
    /// </summary>
    public static string Choose(string? variable, string? localFileText)
    {
        var (value, source) = !string.IsNullOrWhiteSpace(variable) ? (variable, $"the environment variable {Variable}")
            : !string.IsNullOrWhiteSpace(localFileText) ? (localFileText, $"the file {LocalFile}")
            : ("cpu", "the default");
        var backend = value.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0].ToLowerInvariant();
        return backend is "cpu" or "cuda" ? backend
            : throw new ArgumentException($"{source} names the libtorch backend '{value.Trim()}'; expected cpu or cuda. Set {Variable}=cpu or {Variable}=cuda (or write cpu or cuda into {LocalFile}).");
    }

    /// <summary>The backend for a notebook in <paramref name="repositoryRoot"/>, from this process's environment and the local file.</summary>
    public static string Choose(string repositoryRoot)
    {
        var file = Path.Combine(repositoryRoot, LocalFile);
        return Choose(Environment.GetEnvironmentVariable(Variable), File.Exists(file) ? File.ReadAllText(file) : null);
    }

    /// <summary>The NuGet package (name, version) that holds libtorch for <paramref name="backend"/>.</summary>
    public static string Package(string backend) => backend switch
    {
        "cpu" => $"TorchSharp-cpu, {TorchSharpVersion}",
        "cuda" => $"TorchSharp-cuda-linux, {TorchSharpVersion}",
        _ => throw new ArgumentException($"Backend '{backend}' is not cpu or cuda.", nameof(backend)),
    };

    /// <summary>
    /// A warning when the machine has an NVIDIA GPU (<paramref name="nvidiaGpuPresent"/>) but the backend is
    /// cpu, saying how to switch; null otherwise.
    /// </summary>
    public static string? Warning(string backend, Func<bool> nvidiaGpuPresent) =>
        backend == "cpu" && nvidiaGpuPresent()
            ? $"This machine has an NVIDIA GPU, but the notebook loads the CPU backend of libtorch, so it trains on the CPU. " +
              $"To train on the GPU: build with dotnet build src/SubnetNotebooks.Notebooks -c Release -p:TorchBackend=cuda, " +
              $"then set {Variable}=cuda for the kernel (or write cuda into {LocalFile} at the repository root) and restart the kernel."
            : null;

    /// <summary>True when the NVIDIA driver is loaded (/proc/driver/nvidia/gpus has an entry) or nvidia-smi is on the PATH.</summary>
    public static bool NvidiaGpuPresent()
    {
        const string gpus = "/proc/driver/nvidia/gpus";
        if (Directory.Exists(gpus) && Directory.EnumerateFileSystemEntries(gpus).Any()) return true;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "nvidia-smi")));
    }
}
