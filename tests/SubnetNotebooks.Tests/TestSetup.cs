using System.Runtime.CompilerServices;

// Tests seed torch's global generator (weights, dropout); running classes in parallel would interleave those seeds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SubnetNotebooks.Tests;

static class TestSetup
{
    /// <summary>Makes TorchSharp loadable before any test touches torch.</summary>
    [ModuleInitializer]
    internal static void Init() => SubnetNotebooks.Training.TorchRuntime.Ensure();
}
