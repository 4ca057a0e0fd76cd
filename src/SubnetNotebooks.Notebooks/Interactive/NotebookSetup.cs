using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// The backend step of notebooks/setup.csx, run in the notebook's kernel once the kit's assemblies are
/// referenced: loads the chosen libtorch backend package and the other packages the kit's library uses, and warns
/// when an NVIDIA GPU would sit idle. A notebook references the kit's DLLs by path, and a kernel loads nothing of
/// what they depend on by itself: without Markdig a report's prose, without StbImageSharp a CUB-200 image, without
/// TorchSharp.PyBridge a PyTorch state dict would fail mid-notebook with a missing assembly.
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
            throw new InvalidOperationException("NotebookSetup.LoadAsync runs inside a notebook cell (it submits code to the notebook's kernel); outside a notebook reference the kit's project instead.");
        var backend = NotebookBackend.Choose(Path.GetFullPath(repositoryRoot));
        // The kit's library reads the variable when it loads libtorch (TorchRuntime.Ensure), also when the choice came from the local file.
        Environment.SetEnvironmentVariable(NotebookBackend.Variable, backend);
        var deps = KitDepsFile();
        // One submission, so NuGet resolves the backend and the packages that depend on TorchSharp together.
        var packages = new[] { NotebookBackend.Package(backend) }.Concat(LibraryPackages(deps).Select(p => $"{p.Id}, {p.Version}"));
        await SubmitAsync(context, string.Join("\n", packages.Select(p => $"#r \"nuget: {p}\"")));
        Console.WriteLine($"libtorch backend: {backend} ({NotebookBackend.Package(backend)}; set {NotebookBackend.Variable} to change it)");
        if (NotebookBackend.Warning(backend, NotebookBackend.NvidiaGpuPresent) is { } warning)
            context.Display(new HtmlString($"<div class=\"subnet-warning\" style=\"color:#b00;font-weight:bold\">{WebUtility.HtmlEncode(warning)}</div>"), HtmlFormatter.MimeType);
    }

    /// <summary>
    /// The .deps.json that lists the kit's library: the Notebooks assembly's own, in a kernel that referenced the kit's
    /// build folder; the host application's (AppContext's deps files), where the kit is part of the application, as in
    /// <c>subnet run</c>.
    /// </summary>
    static string KitDepsFile()
    {
        var own = Path.ChangeExtension(typeof(NotebookSetup).Assembly.Location, ".deps.json");
        if (File.Exists(own)) return own;
        var host = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return host is not null && File.Exists(host) ? host : own;
    }

    /// <summary>
    /// The NuGet packages the kit's library (SubnetNotebooks) references, read from <paramref name="depsJson"/> (a .deps.json
    /// that lists the library, so the versions are the ones the kit was built with), less those a notebook gets
    /// otherwise: the TorchSharp backend (chosen per machine), Plotly.NET (setup.csx names it, so the notebook shows it)
    /// and FSharp.Core (the kernel's own).
    /// </summary>
    internal static IReadOnlyList<(string Id, string Version)> LibraryPackages(string depsJson)
    {
        if (!File.Exists(depsJson))
            throw new FileNotFoundException($"{depsJson} is missing: rebuild the kit (dotnet build src/SubnetNotebooks.Notebooks -c Release) and restart the kernel.", depsJson);
        using var document = JsonDocument.Parse(File.ReadAllText(depsJson));
        var library = document.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .FirstOrDefault(e => e.Name.StartsWith("SubnetNotebooks/", StringComparison.Ordinal));
        if (library.Value.ValueKind != JsonValueKind.Object || !library.Value.TryGetProperty("dependencies", out var dependencies))
            throw new InvalidDataException($"{depsJson} does not list the SubnetNotebooks library's dependencies: rebuild the kit.");
        return dependencies.EnumerateObject()
            .Where(d => !d.Name.StartsWith("TorchSharp-", StringComparison.Ordinal) && !d.Name.StartsWith("Plotly.NET", StringComparison.Ordinal)
                && d.Name != "FSharp.Core")
            .Select(d => (d.Name, d.Value.GetString()!)).ToArray();
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
