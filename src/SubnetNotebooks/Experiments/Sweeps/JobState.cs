namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>Where a sweep job stands.</summary>
public enum JobState
{
    /// <summary>Not started yet, or queued by the scheduler.</summary>
    Pending,
    /// <summary>Started and neither done nor failed since, or running by the scheduler's word.</summary>
    Running,
    /// <summary>Finished: its done mark holds its metrics.</summary>
    Done,
    /// <summary>Failed: a failure newer than its last start, or submitted and gone from the scheduler's queue unfinished.</summary>
    Failed
}

/// <summary>
/// A job's marks in the sweep folder, one file each under state/: &lt;id&gt;.started (where and when it began),
/// &lt;id&gt;.done (its metrics, written last) and &lt;id&gt;.failed (the error). One job writes only its own files, so
/// jobs of one sweep never share a file.
/// </summary>
public static class JobMarks
{
    /// <summary>The folder of the marks of every job of the sweep at <paramref name="root"/>.</summary>
    public static string Folder(string root) => Path.Combine(root, "state");
    /// <summary>The file that marks <paramref name="job"/> started: where and when it began.</summary>
    public static string Started(string root, SweepJob job) => Path.Combine(Folder(root), job.Id + ".started");
    /// <summary>The file that marks <paramref name="job"/> done: its metrics, written last.</summary>
    public static string Done(string root, SweepJob job) => Path.Combine(Folder(root), job.Id + ".done");
    /// <summary>The file that marks <paramref name="job"/> failed: the error.</summary>
    public static string Failed(string root, SweepJob job) => Path.Combine(Folder(root), job.Id + ".failed");

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file, so a reader never sees half of it.</summary>
    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The state of <paramref name="job"/> from its marks: done, else failed (a failure newer than the last start), else
    /// running when started, else pending. <paramref name="scheduled"/> (the scheduler's word, when it knows the job)
    /// overrides the marks of an unfinished job: a job it still queues is pending or running whatever a killed run left.
    /// </summary>
    public static JobState Read(string root, SweepJob job, JobState? scheduled = null)
    {
        if (File.Exists(Done(root, job))) return JobState.Done;
        if (scheduled is JobState.Pending or JobState.Running) return scheduled.Value;
        var failed = Failed(root, job);
        var started = Started(root, job);
        if (File.Exists(failed) && (!File.Exists(started) || File.GetLastWriteTimeUtc(failed) >= File.GetLastWriteTimeUtc(started))) return JobState.Failed;
        if (scheduled is JobState.Failed) return JobState.Failed;
        return File.Exists(started) ? JobState.Running : JobState.Pending;
    }
}
