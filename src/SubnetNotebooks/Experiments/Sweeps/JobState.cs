namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>Where a sweep job stands.</summary>
public enum JobState { Pending, Running, Done, Failed }

/// <summary>
/// A job's marks in the sweep folder, one file each under state/: &lt;id&gt;.started (where and when it began),
/// &lt;id&gt;.done (its metrics, written last) and &lt;id&gt;.failed (the error). One job writes only its own files, so
/// jobs of one sweep never share a file.
/// </summary>
public static class JobMarks
{
    /// <summary>The folder of the marks of every job of the sweep at <paramref name="root"/>.</summary>
    public static string Folder(string root) => Path.Combine(root, "state");
    public static string Started(string root, SweepJob job) => Path.Combine(Folder(root), job.Id + ".started");
    public static string Done(string root, SweepJob job) => Path.Combine(Folder(root), job.Id + ".done");
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
