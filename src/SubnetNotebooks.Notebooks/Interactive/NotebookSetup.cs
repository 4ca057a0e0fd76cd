using System.Net;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// The backend step of notebooks/setup.csx, run in the notebook's kernel once the kit's package is referenced: loads
/// the chosen libtorch backend package (the kit's packages depend on TorchSharp only) and warns when an NVIDIA GPU
/// would sit idle.
/// </summary>
public static class NotebookSetup
{
    /// <summary>
    /// Loads the backend package in the current notebook kernel and sets <see cref="NotebookBackend.Variable"/> for this
    /// process to it. <paramref name="repositoryRoot"/> is where the untracked backend file is looked for (the notebooks'
    /// parent folder).
    /// </summary>
    public static async Task LoadAsync(string repositoryRoot)
    {
        if (KernelInvocationContext.Current is not { } context)
            throw new InvalidOperationException("NotebookSetup.LoadAsync runs inside a notebook cell (it submits code to the notebook's kernel); outside a notebook reference the backend package (TorchSharp-cpu or TorchSharp-cuda-linux) in the project instead.");
        var backend = NotebookBackend.Choose(Path.GetFullPath(repositoryRoot));
        // The kit's library reads the variable when it loads libtorch (TorchRuntime.Ensure), also when the choice came from the local file.
        Environment.SetEnvironmentVariable(NotebookBackend.Variable, backend);
        await SubmitAsync(context, $"#r \"nuget: {NotebookBackend.Package(backend)}\"");
        Console.WriteLine($"libtorch backend: {backend} ({NotebookBackend.Package(backend)}; set {NotebookBackend.Variable} to change it)");
        if (NotebookBackend.Warning(backend, NotebookBackend.NvidiaGpuPresent) is { } warning)
            context.Display(new HtmlString($"<div class=\"subnet-warning\" style=\"color:#b00;font-weight:bold\">{WebUtility.HtmlEncode(warning)}</div>"), HtmlFormatter.MimeType);
    }

    /// <summary>Submits <paramref name="code"/> to the notebook's C# kernel; a failure fails the set-up cell with its message.</summary>
    static async Task SubmitAsync(KernelInvocationContext context, string code)
    {
        var kernel = context.HandlingKernel?.RootKernel
            ?? throw new InvalidOperationException("The set-up cell has no kernel to submit to; run it in a notebook.");
        var result = await kernel.SendAsync(new SubmitCode(code, context.HandlingKernel!.Name));
        if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
            throw new InvalidOperationException($"notebooks/setup.csx: this set-up step failed:\n{code}\n{failed.Message}");
    }
}
