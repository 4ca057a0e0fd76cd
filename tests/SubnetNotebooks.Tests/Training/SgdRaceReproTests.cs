using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// The shared reproduction of the native crash (TorchSharp's SGD with momentum and weight decay on the cpu profile's MLP
/// 784-512-512-10, batch 128, one thread, beside a thread that forces garbage collections) as a kit test: `subnet soak`
/// must find a fault with TorchSharp's SGD and none with the kit's. Each runs in its own process, since a freed Scalar
/// can also take the whole process down.
/// </summary>
[Collection(nameof(GcStressTests))] // alone: its child processes take both cores
public class SgdRaceReproTests
{
    static (int Code, string Out) Soak(int seconds, params string[] extra)
    {
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "subnet.dll"), "soak", "--networks", "mlp", "--threads", "1", "--steps", "40",
                     "--seconds", $"{seconds}" }.Concat(extra))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((seconds + 120) * 1000)) { process.Kill(); throw new TimeoutException($"subnet soak did not end: {stdout.Result}"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    static (long Steps, int Crashes, int Mismatches) Summary(string output)
    {
        var m = Regex.Match(output, @"soak: ([\d,]+) steps in \d+ s, [\d,]+ forced collections, (\d+) crashes, (\d+) mismatches");
        Assert.True(m.Success, $"no summary line in:\n{output}");
        return (long.Parse(m.Groups[1].Value.Replace(",", "")), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
    }

    [Fact]
    public void TorchSharpsSgdFaultsUnderGarbageCollections()
    {
        var (code, output) = Soak(90, "--optimizer", "torchsharp", "--stop-on-fault");
        Assert.NotEqual(0, code);
        // Either the process reported the fault, or a freed Scalar took it down (SIGSEGV / SIGABRT).
        if (code == 1)
        {
            var (_, crashes, mismatches) = Summary(output);
            Assert.True(crashes + mismatches > 0, output);
        }
    }

    [Fact]
    public void TheKitsSgdDoesNotFaultUnderGarbageCollections()
    {
        var (code, output) = Soak(15);
        var (steps, crashes, mismatches) = Summary(output);
        Assert.Equal((0, 0), (crashes, mismatches));
        Assert.True(steps >= 40, output);
        Assert.Equal(0, code);
    }
}
