using System.Diagnostics;

namespace SubnetNotebooks.Tests;

/// <summary>
/// Runs one of <see cref="TestProgram"/>'s helper commands in a process of its own (<c>dotnet SubnetNotebooks.Tests.dll
/// COMMAND</c>), for a test whose subject is process-wide state (the allocator's settings, the resident set) that the
/// tests running beside it in the test host would disturb.
/// </summary>
static class TestChild
{
    /// <summary>Runs <paramref name="command"/> to its end and returns its exit code and standard output; fails the test on a non-zero exit.</summary>
    /// <param name="command">the helper command and its arguments</param>
    /// <param name="environment">variables to set (a null value removes the variable) in the child's environment</param>
    public static string Run(string[] command, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Prepend(typeof(TestChild).Assembly.Location)) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException($"Test helper '{string.Join(' ', command)}' did not end in 120 s: {stdout.Result}"); }
        Assert.True(process.ExitCode == 0, $"Test helper '{string.Join(' ', command)}' exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>The "name=value" words of a helper's output line as numbers.</summary>
    public static IReadOnlyDictionary<string, double> Figures(string output) =>
        output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Contains('='))
            .Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
}
