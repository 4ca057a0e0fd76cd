using System.Diagnostics;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>
/// Runs a sweep's unfinished jobs on this machine with a pool of worker processes (`subnet sweep-task` each): at most
/// <c>slots</c> at once, a job only after the job it depends on is done. With GPUs, slot k sees only GPU k mod G
/// (CUDA_VISIBLE_DEVICES); without, each job gets its share of the CPU threads. Each job's output goes to logs/&lt;id&gt;.log.
/// </summary>
public static class LocalPool
{
    /// <summary>Runs every job not yet done; returns the state of each job afterwards.</summary>
    /// <param name="launcher">the command that runs the subnet CLI, one word each</param>
    /// <param name="gpus">GPUs on this machine (0: CPU only)</param>
    /// <param name="threads">CPU threads of each job (0: the config's with GPUs, else the CPU cores divided by the slots)</param>
    /// <param name="report">receives one line per job started or finished</param>
    /// <param name="plan">the sweep's jobs</param>
    /// <param name="slots">how many jobs run at once</param>
    /// <param name="cancellation">stops starting jobs</param>
    public static IReadOnlyDictionary<string, JobState> Run(SweepPlan plan, int slots, IReadOnlyList<string> launcher, int gpus, int threads = 0,
        Action<string>? report = null, CancellationToken cancellation = default)
    {
        if (slots < 1) throw new ArgumentException($"--slots must be >= 1, got {slots}.");
        if (threads <= 0 && gpus == 0) threads = Math.Max(1, Environment.ProcessorCount / slots);
        var waiting = plan.Jobs.Where(j => JobMarks.Read(plan.Root, j) != JobState.Done).ToList();
        var running = new Dictionary<int, (SweepJob Job, Process Process)>();
        var logs = Path.Combine(plan.Root, "logs");
        Directory.CreateDirectory(logs);
        while (waiting.Count > 0 || running.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            // A job whose dependency failed cannot run in this pass: drop it (it stays pending for the next sweep).
            waiting.RemoveAll(j => j.DependsOn is { } p && JobMarks.Read(plan.Root, plan.Job(p)) == JobState.Failed
                && !running.Values.Any(r => r.Job.Id == p) && !waiting.Any(w => w.Id == p));
            foreach (var slot in Enumerable.Range(0, slots).Where(s => !running.ContainsKey(s)).ToArray())
            {
                var ready = waiting.FirstOrDefault(j => j.DependsOn is null || JobMarks.Read(plan.Root, plan.Job(j.DependsOn)) == JobState.Done);
                if (ready is null) break;
                waiting.Remove(ready);
                running[slot] = (ready, Start(plan, ready, launcher, slot, gpus, threads, Path.Combine(logs, ready.Id + ".log")));
                report?.Invoke($"started {ready.Id} (slot {slot}{(gpus > 0 ? $", GPU {slot % gpus}" : "")}{(threads > 0 ? $", {threads} threads" : "")})");
            }
            if (running.Count == 0) break;
            var finished = running.Where(r => r.Value.Process.HasExited).ToArray();
            if (finished.Length == 0) { Thread.Sleep(200); continue; }
            foreach (var (slot, (job, process)) in finished)
            {
                process.WaitForExit();
                report?.Invoke($"{(process.ExitCode == 0 ? "done" : $"failed (exit {process.ExitCode}, see logs/{job.Id}.log)")} {job.Id}");
                process.Dispose();
                running.Remove(slot);
            }
        }
        return plan.Jobs.ToDictionary(j => j.Id, j => JobMarks.Read(plan.Root, j));
    }

    static Process Start(SweepPlan plan, SweepJob job, IReadOnlyList<string> launcher, int slot, int gpus, int threads, string log)
    {
        var info = new ProcessStartInfo(launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var word in launcher.Skip(1).Concat(["sweep-task", plan.Root, job.Id])) info.ArgumentList.Add(word);
        if (threads > 0) { info.ArgumentList.Add("--threads"); info.ArgumentList.Add(threads.ToString()); }
        if (gpus > 0) info.Environment["CUDA_VISIBLE_DEVICES"] = (slot % gpus).ToString();
        var process = Process.Start(info)!;
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        var gate = new object();
        void Write(string? line) { if (line is not null) lock (gate) writer.WriteLine(line); }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => { process.WaitForExit(); lock (gate) writer.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
