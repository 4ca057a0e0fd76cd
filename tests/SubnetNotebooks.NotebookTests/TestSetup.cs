using System.Runtime.CompilerServices;

// The notebook runner changes the working directory and environment of the process.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SubnetNotebooks.NotebookTests;

static class TestSetup
{
    /// <summary>Makes TorchSharp loadable before any notebook touches torch.</summary>
    [ModuleInitializer]
    internal static void Init() => SubnetNotebooks.Training.TorchRuntime.Ensure();
}
