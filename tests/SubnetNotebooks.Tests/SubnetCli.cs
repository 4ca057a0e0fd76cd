namespace SubnetNotebooks.Tests;

/// <summary>The `subnet` CLI built beside the test assembly, for tests that start it as a second process.</summary>
static class SubnetCli
{
    /// <summary>The command that runs it, one word each: dotnet (the one running the tests) and subnet.dll.</summary>
    public static IReadOnlyList<string> Launcher { get; } =
    [
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet",
        Path.Combine(AppContext.BaseDirectory, "subnet.dll"),
    ];
}
