using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;
using SubnetNotebooks.Interactive;

namespace SubnetNotebooks.Headless;

/// <summary>
/// The kernel a headless run uses: a C# kernel inside a composite kernel, as in Polyglot
/// Notebooks and the Jupyter kernel, with <c>#r "nuget:..."</c>, <c>#!import</c> and the offline chart formatter.
/// </summary>
public static class NotebookKernel
{
    /// <summary>Name of the C# kernel (the notebooks' default kernel).</summary>
    public const string CSharp = "csharp";

    /// <summary>Creates a fresh kernel (one per notebook, so notebooks do not share variables).</summary>
    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel(CSharp)
            .UseKernelHelpers()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            }, false);
        var composite = new CompositeKernel().UseImportMagicCommand();
        composite.Add(csharp, ["c#", "C#"]);
        composite.DefaultKernelName = csharp.Name;
        NotebookCharts.Register();
        return composite;
    }
}
