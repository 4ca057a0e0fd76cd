using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Tests.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Training;

/// <summary>One writer per training run, checked with real second processes: the `subnet` CLI beside the test assembly.</summary>
public class TrainingLockTests() : InTempFolder("subnet-lock-")
{
    /// <summary>Starts `subnet reproduce` on digits (one tiny epoch) into <paramref name="runFolder"/>.</summary>
    Process StartReproduce(string dataDir, string runFolder, string methods, params string[] extra)
    {
        var start = new ProcessStartInfo(SubnetCli.Launcher[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { SubnetCli.Launcher[1], "reproduce", "--profile", "smoke", "--dataset", "digits",
                     "--data-dir", dataDir, "--out", runFolder, "--methods", methods, "--members", "2", "--seed", "3", "--threads", "1",
                     "--set", "oodDataset=", "--set", "trainSamples=0", "--set", "testSamples=0", "--set", "shiftSamples=0",
                     "--set", "widths=16", "--set", "batchSize=64" }.Concat(extra))
            start.ArgumentList.Add(arg);
        start.Environment.Remove(TrainingLock.NoWaitVariable);
        return Process.Start(start)!;
    }

    static (int Code, string Out, string Err) Finish(Process process, int seconds = 120)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(seconds * 1000)) { process.Kill(); throw new TimeoutException($"subnet did not finish in {seconds} s: {stderr.Result}"); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void SecondProcessWithNoWaitFailsNamingTheHolder()
    {
        var data = SyntheticDigits.Write(_dir, seed: 5);
        var run = Path.Combine(_dir, "run");
        var lockFile = Path.Combine(run, "checkpoints", "single", TrainingLock.FileName);
        using (TrainingLock.Acquire(lockFile, "test holder", wait: false))
        {
            using var other = StartReproduce(data, run, "single", "--no-wait");
            var (code, _, err) = Finish(other);
            Assert.Equal(1, code);
            Assert.Contains($"process {Environment.ProcessId} (", err);
            Assert.Contains(Path.GetFileName(Environment.GetCommandLineArgs()[0]), err);
            Assert.Contains(Environment.MachineName, err);
            Assert.False(File.Exists(Path.Combine(run, "checkpoints", "single", Checkpoint.FileName)), "the locked run was not written");
        }
        Assert.False(File.Exists(lockFile), "releasing the lock deletes the lock file");
    }

    [Fact]
    public async Task SecondProcessWaitsForTheHolderThenTrains()
    {
        var data = SyntheticDigits.Write(_dir, seed: 5);
        var run = Path.Combine(_dir, "run");
        var holder = TrainingLock.Acquire(Path.Combine(run, "checkpoints", "single", TrainingLock.FileName), "test holder", wait: false);
        using var other = StartReproduce(data, run, "single");
        var stderr = new StringBuilder();
        var waiting = new ManualResetEventSlim();
        other.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); if (e.Data?.Contains("Waiting") == true) waiting.Set(); };
        other.BeginErrorReadLine();
        var stdout = other.StandardOutput.ReadToEndAsync();
        bool announced = waiting.Wait(TimeSpan.FromSeconds(90));
        Assert.True(announced, $"no waiting message: {stderr}");
        Assert.False(other.HasExited, "the second process waits while the lock is held");
        lock (stderr) Assert.Contains($"process {Environment.ProcessId} (", stderr.ToString());
        holder.Dispose();
        Assert.True(other.WaitForExit(120_000), "the second process finishes once the lock is released");
        Assert.True(other.ExitCode == 0, $"exit {other.ExitCode}: {stderr}{await stdout}");
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "single", Checkpoint.FileName)));
    }

    [Fact]
    public void LockOfADeadProcessIsTakenOver()
    {
        // A real process that has exited: its pid is no longer alive on this host.
        using var gone = Process.Start(new ProcessStartInfo(Environment.ProcessPath ?? "dotnet", "--version") { RedirectStandardOutput = true })!;
        gone.WaitForExit();
        var path = Path.Combine(_dir, "checkpoints", "deep", "1", TrainingLock.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(new TrainingLock.Holder(gone.Id, "subnet reproduce (killed)", Environment.MachineName,
            DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(-5), "stale-token")));
        Assert.True(TrainingLock.IsStale(TrainingLock.Read(path)!));

        using var taken = TrainingLock.Acquire(path, "training run deep/1", wait: false);
        Assert.Equal(Environment.ProcessId, TrainingLock.Read(path)!.Pid);
    }

    [Fact]
    public void LockOfAnotherHostIsNeverTakenOver()
    {
        var path = Path.Combine(_dir, "checkpoints", "single", TrainingLock.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(new TrainingLock.Holder(1, "subnet reproduce", "another-host", DateTime.UtcNow,
            DateTime.UtcNow, "remote")));
        var error = Assert.Throws<TrainingLockedException>(() => TrainingLock.Acquire(path, "training run single", wait: false));
        Assert.Contains("another-host", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void TwoProcessesOnOneRunFolderKeepBothMethodsInMetrics()
    {
        var data = SyntheticDigits.Write(_dir, seed: 5);
        var run = Path.Combine(_dir, "run");
        using var first = StartReproduce(data, run, "single");
        using var second = StartReproduce(data, run, "mcdropout");
        var a = Finish(first);
        var b = Finish(second);
        Assert.True(a.Code == 0, a.Err);
        Assert.True(b.Code == 0, b.Err);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal(["mcdropout", "single"], metrics.RootElement.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void ConcurrentMetricsSavesLoseNoRow()
    {
        var config = Profiles.Smoke with { Dataset = "digits", OodDataset = "" };
        var folder = RunFolder.Open(Path.Combine(_dir, "run"), config);
        var writers = Enumerable.Range(0, 6).Select(w => new Thread(() =>
        {
            for (int i = 0; i < 5; i++)
                folder.SaveMetrics(new MetricsTable().Add($"method{w}", new Dictionary<string, double> { ["accuracy"] = i }));
        })).ToArray();
        foreach (var t in writers) t.Start();
        foreach (var t in writers) t.Join();
        var table = MetricsTable.FromJson(File.ReadAllText(folder.MetricsJsonPath));
        Assert.Equal(Enumerable.Range(0, 6).Select(w => $"method{w}"), table.Methods.Order());
        Assert.All(table.Methods, m => Assert.Equal(4, table.Get(m, "accuracy")));
    }
}
