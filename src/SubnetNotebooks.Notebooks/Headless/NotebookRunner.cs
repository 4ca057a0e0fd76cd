using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace SubnetNotebooks.Headless;

/// <summary>
/// Runs .ipynb notebooks in this process, cell by cell, with a fresh C# kernel per notebook, and
/// writes each executed notebook (with its outputs) to the output folder. The notebook runs in
/// its own folder (so relative paths work as in Jupyter and VS Code) with SUBNET_PROFILE and
/// SUBNET_RUN_DIR set. A failing cell stops that notebook: later cells are not run.
/// </summary>
public static partial class NotebookRunner
{
    /// <summary>Environment variable naming the experiment profile (smoke, cpu, paper).</summary>
    public const string ProfileVariable = "SUBNET_PROFILE";

    /// <summary>Environment variable naming the folder a headless run writes to.</summary>
    public const string RunDirectoryVariable = "SUBNET_RUN_DIR";

    static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Runs the notebooks one after another; a failing notebook does not stop the next one.</summary>
    public static async Task<IReadOnlyList<NotebookRunResult>> RunAllAsync(IEnumerable<string> notebooks,
        NotebookRunOptions options, CancellationToken cancellation = default)
    {
        var paths = notebooks.Select(Path.GetFullPath).ToList();
        var clash = paths.GroupBy(Path.GetFileName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException(
                $"Two notebooks are named {clash.Key} ({string.Join(", ", clash)}); their executed copies would overwrite each other in {options.OutputDirectory}. Run them with different --out folders.");
        var results = new List<NotebookRunResult>();
        foreach (var notebook in notebooks) results.Add(await RunAsync(notebook, options, cancellation));
        return results;
    }

    /// <summary>Runs one notebook and writes its executed copy to <see cref="NotebookRunOptions.OutputDirectory"/>.</summary>
    public static async Task<NotebookRunResult> RunAsync(string notebook, NotebookRunOptions options,
        CancellationToken cancellation = default)
    {
        var path = Path.GetFullPath(notebook);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Notebook {notebook} does not exist (looked at {path}).", path);
        var output = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(output);
        var executedPath = Path.Combine(output, Path.GetFileName(path));
        var document = Read(path);
        var folder = Path.GetDirectoryName(path)!;

        var missing = MissingAssemblyReferences(document, folder).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{notebook} references {string.Join(", ", missing)}, which does not exist. " +
                "Build the library first: dotnet build src/SubnetNotebooks.Notebooks -c Release");

        // Working directory and environment are process-wide: one notebook at a time.
        await OneAtATime.WaitAsync(cancellation);
        var saved = (Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable(ProfileVariable),
            Environment.GetEnvironmentVariable(RunDirectoryVariable));
        try
        {
            Directory.SetCurrentDirectory(folder);
            Environment.SetEnvironmentVariable(ProfileVariable, options.Profile);
            Environment.SetEnvironmentVariable(RunDirectoryVariable, output);
            options.Log?.Invoke($"{notebook}: running ({document.Elements.Count} cells, profile {options.Profile})");
            var (cellsRun, failure) = await ExecuteAsync(document, notebook, options, cancellation);
            Write(document, executedPath);
            return new NotebookRunResult(notebook, executedPath, cellsRun, failure);
        }
        finally
        {
            Directory.SetCurrentDirectory(saved.Item1);
            Environment.SetEnvironmentVariable(ProfileVariable, saved.Item2);
            Environment.SetEnvironmentVariable(RunDirectoryVariable, saved.Item3);
            OneAtATime.Release();
        }
    }

    static async Task<(int CellsRun, CellFailure? Failure)> ExecuteAsync(InteractiveDocument document, string notebook,
        NotebookRunOptions options, CancellationToken cancellation)
    {
        using var kernel = NotebookKernel.Create();
        int executed = 0;
        for (int i = 0; i < document.Elements.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var cell = document.Elements[i];
            cell.Outputs.Clear();
            if (!IsCode(cell)) continue;
            if (string.IsNullOrWhiteSpace(cell.Contents)) continue;
            executed++;
            cell.ExecutionOrder = executed;
            options.Log?.Invoke($"{notebook}: cell {i + 1}");
            // Listen on the kernel rather than reading the command's result: cells that #!import
            // a file run it as nested commands, whose displays the result does not carry.
            var outputs = new CellOutputs(executed);
            using (kernel.KernelEvents.Subscribe(outputs.Add))
                await kernel.SubmitCodeAsync(cell.Contents);
            cell.Outputs.AddRange(outputs.Outputs);
            if (outputs.Failure is not null)
                return (executed, new CellFailure(i + 1, FirstLine(outputs.Failure)));
        }
        return (executed, null);
    }

    static bool IsCode(InteractiveDocumentElement cell) =>
        cell.KernelName is null or NotebookKernel.CSharp or "C#" or "c#";

    static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 0 ? line : message.Trim();
    }

    /// <summary>Kernels a notebook's cells may name: C# (the default) and Markdown.</summary>
    static KernelInfoCollection Kernels() => new()
    {
        new Microsoft.DotNet.Interactive.Documents.KernelInfo(NotebookKernel.CSharp, "C#", ["c#", "C#"]),
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", "Markdown", ["md"]),
    };

    static InteractiveDocument Read(string path)
    {
        var kernels = Kernels();
        kernels.DefaultKernelName = NotebookKernel.CSharp;
        return Notebook.Parse(File.ReadAllText(path), kernels);
    }

    static void Write(InteractiveDocument document, string path)
    {
        var kernels = Kernels();
        kernels.DefaultKernelName = NotebookKernel.CSharp;
        using var stream = File.Create(path);
        Notebook.Write(document, stream, kernels);
    }

    /// <summary>
    /// Assembly files named by <c>#r "path"</c> in code cells, or in files they <c>#!import</c>, that do
    /// not exist (paths relative to <paramref name="folder"/>, as the kernel resolves them).
    /// </summary>
    internal static IEnumerable<string> MissingAssemblyReferences(InteractiveDocument document, string folder)
    {
        var sources = document.Elements.Where(IsCode).Select(c => c.Contents).ToList();
        var imported = sources.SelectMany(s => Import().Matches(s).Select(m => Path.Combine(folder, m.Groups[1].Value.Trim('"'))))
            .Where(File.Exists).Select(File.ReadAllText).ToList();
        return sources.Concat(imported)
            .SelectMany(s => AssemblyReference().Matches(s).Select(m => m.Groups[1].Value))
            .Where(r => !r.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            .Where(r => !File.Exists(Path.GetFullPath(Path.Combine(folder, r))))
            .Distinct();
    }

    [GeneratedRegex("""^\s*#r\s+"([^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex AssemblyReference();

    [GeneratedRegex("""^\s*#!import\s+("[^"]+"|\S+)\s*$""", RegexOptions.Multiline)]
    private static partial Regex Import();
}
