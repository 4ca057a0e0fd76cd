using System.Diagnostics;
using System.Text.Json;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>One job array handed to Slurm: its round, name, Slurm job id and the sweep job of each task index.</summary>
public sealed record SlurmSubmission(int Round, string Array, string SlurmJobId, IReadOnlyList<string> Jobs);

/// <summary>
/// Runs a sweep on Slurm: writes slurm/&lt;array&gt;-&lt;round&gt;.sbatch and .tasks for the unfinished jobs
/// (<see cref="SlurmArrays"/>), submits them with sbatch (members after their parents), records the job ids in
/// slurm/submissions.json, and reads squeue to tell queued jobs from finished or lost ones.
/// </summary>
public sealed class SlurmEngine(SweepPlan plan, Func<string, IReadOnlyList<string>, string>? command = null)
{
    readonly Func<string, IReadOnlyList<string>, string> _command = command ?? RunCommand;

    /// <summary>slurm/ in the sweep folder: the array scripts, their task lists and submissions.json.</summary>
    public string Folder => Path.Combine(plan.Root, "slurm");
    /// <summary>slurm/submissions.json: every array submitted so far, oldest first (<see cref="Submissions"/>).</summary>
    public string SubmissionsPath => Path.Combine(Folder, "submissions.json");

    /// <summary>Every array submitted so far, oldest first.</summary>
    public IReadOnlyList<SlurmSubmission> Submissions() =>
        File.Exists(SubmissionsPath) ? JsonSerializer.Deserialize<List<SlurmSubmission>>(File.ReadAllText(SubmissionsPath)) ?? [] : [];

    /// <summary>
    /// Writes the scripts of the unfinished jobs and, unless <paramref name="dryRun"/>, submits them. Returns the
    /// arrangement and the paths of the scripts written (none when every job is done or queued).
    /// </summary>
    public (SlurmArrays Arrays, IReadOnlyList<string> Scripts) Submit(SlurmOptions options, IReadOnlyList<string> launcher, string workingDirectory, bool dryRun)
    {
        var queued = dryRun ? new Dictionary<string, JobState>() : Queue();
        var arrays = SlurmArrays.Arrange(plan, j => JobMarks.Read(plan.Root, j) == JobState.Done, j => queued.ContainsKey(j.Id));
        var submissions = Submissions().ToList();
        int round = submissions.Count == 0 ? 1 : submissions.Max(s => s.Round) + 1;
        var scripts = new List<string>();
        string? trainId = null;
        foreach (var (name, jobs) in new[] { ("train", arrays.Train), ("members", arrays.Members) })
        {
            if (jobs.Count == 0) continue;
            var tasks = Path.Combine(Folder, $"{name}-{round}.tasks");
            var script = Path.Combine(Folder, $"{name}-{round}.sbatch");
            Directory.CreateDirectory(Path.Combine(Folder, "logs"));
            File.WriteAllLines(tasks, jobs.Select(j => j.Id));
            File.WriteAllText(script, SlurmScript.Create(plan, name, jobs.Count, tasks, options, launcher, workingDirectory,
                name == "members" ? Path.GetFileName(scripts[0]) : null));
            scripts.Add(script);
            if (dryRun) continue;
            IReadOnlyList<string> args = name == "members" ? ["--parsable", $"--dependency=aftercorr:{trainId}", script] : ["--parsable", script];
            var id = _command("sbatch", args).Trim().Split(';')[0];
            if (!long.TryParse(id, out _)) throw new InvalidOperationException($"sbatch {string.Join(' ', args)} printed '{id}'; expected a job id. Check the script and the cluster's limits (sinfo).");
            if (name == "train") trainId = id;
            submissions.Add(new SlurmSubmission(round, name, id, jobs.Select(j => j.Id).ToArray()));
            File.WriteAllText(SubmissionsPath, JsonSerializer.Serialize(submissions, new JsonSerializerOptions { WriteIndented = true }));
        }
        return (arrays, scripts);
    }

    /// <summary>The sweep jobs that Slurm still holds (from squeue), pending or running; the latest submission of a job counts.</summary>
    public IReadOnlyDictionary<string, JobState> Queue()
    {
        var submissions = Submissions();
        if (submissions.Count == 0) return new Dictionary<string, JobState>();
        var tasks = new Dictionary<(string, string), JobState>();
        foreach (var line in _command("squeue", ["-h", "-r", "-o", "%F|%K|%T"]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length == 3 && State(parts[2]) is { } state) tasks[(parts[0], parts[1])] = state;
        }
        var queued = new Dictionary<string, JobState>();
        foreach (var job in plan.Jobs)
        {
            var last = submissions.LastOrDefault(s => s.Jobs.Contains(job.Id));
            if (last is not null && tasks.TryGetValue((last.SlurmJobId, last.Jobs.ToList().IndexOf(job.Id).ToString()), out var state)) queued[job.Id] = state;
        }
        return queued;
    }

    /// <summary>A squeue state as pending or running; null for states of a job that is leaving the queue.</summary>
    public static JobState? State(string slurm) => slurm switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "CONFIGURING" or "RESV_DEL_HOLD" or "SUSPENDED" => JobState.Pending,
        "RUNNING" or "COMPLETING" or "RESIZING" or "SIGNALING" or "STAGE_OUT" => JobState.Running,
        _ => null,
    };

    /// <summary>Each job's state: its marks, overridden by squeue for a job Slurm still holds; a submitted job that left the queue unfinished is failed.</summary>
    public IReadOnlyDictionary<string, JobState> States()
    {
        var queued = Queue();
        var submitted = Submissions().SelectMany(s => s.Jobs).ToHashSet();
        return plan.Jobs.ToDictionary(j => j.Id, j => JobMarks.Read(plan.Root, j,
            queued.TryGetValue(j.Id, out var q) ? q : submitted.Contains(j.Id) ? JobState.Failed : null));
    }

    static string RunCommand(string program, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {program}: {e.Message}. Run subnet sweep --engine slurm on a Slurm login node (where {program} is on PATH), or pass --dry-run to only write the scripts.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            return stdout;
        }
    }
}
