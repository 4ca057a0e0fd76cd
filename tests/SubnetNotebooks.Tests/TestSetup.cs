using System.Runtime.CompilerServices;

namespace SubnetNotebooks.Tests;

static class TestSetup
{
    /// <summary>Makes TorchSharp loadable before any test touches torch.</summary>
    [ModuleInitializer]
    internal static void Init() => SubnetNotebooks.Training.TorchRuntime.Ensure();
}
