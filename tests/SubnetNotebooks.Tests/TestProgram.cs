using System.Runtime.Versioning;

namespace SubnetNotebooks.Tests;

/// <summary>
/// The test assembly's entry point, for child processes that tests start as <c>dotnet SubnetNotebooks.Tests.dll COMMAND ...</c>
/// (the test runner loads the assembly without calling it).
/// </summary>
[SupportedOSPlatform("linux")]
static class TestProgram
{
    static int Main(string[] args) => args switch
    {
        ["patch-race", .. var rest] => Training.SharedLibraryPatchTests.RaceChild(rest),
        ["heap-retention"] => Training.HeapRetentionTests.Child(),
        ["peak-memory"] => Metrics.CostTests.MemoryChild(),
        _ => Unknown(args),
    };

    static int Unknown(string[] args)
    {
        Console.Error.WriteLine($"Unknown test helper command: {string.Join(' ', args)}. Known: patch-race THREADS FILE..., heap-retention, peak-memory");
        return 2;
    }
}
