using System.Text;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>
/// The sbatch script of one job array of a sweep: task i runs line i + 1 of its tasks file (one job id a line)
/// through `subnet sweep-task`, requeueable, with the log of every attempt appended to slurm/logs/.
/// </summary>
public static class SlurmScript
{
    /// <summary>The script text.</summary>
    /// <param name="name">the array's name (train, members): the job name is subnet-&lt;name&gt;</param>
    /// <param name="tasks">how many tasks (lines of the tasks file)</param>
    /// <param name="tasksFile">absolute path of the tasks file</param>
    /// <param name="launcher">the command that runs the subnet CLI, one word each</param>
    /// <param name="workingDirectory">where the tasks run (where datasets are looked up from)</param>
    /// <param name="after">the array whose task i must finish before task i of this one (submitted with --dependency=aftercorr), or null</param>
    /// <param name="plan">the sweep (its folder holds the logs)</param>
    /// <param name="options">partition, account, time limit and resources of each task</param>
    public static string Create(SweepPlan plan, string name, int tasks, string tasksFile, SlurmOptions options, IReadOnlyList<string> launcher,
        string workingDirectory, string? after = null)
    {
        if (tasks < 1) throw new ArgumentException($"The {name} array of sweep {plan.Root} has no task: nothing to submit.", nameof(tasks));
        var text = new StringBuilder("#!/usr/bin/env bash\n");
        void Directive(string line) => text.Append("#SBATCH ").Append(line).Append('\n');
        Directive($"--job-name=subnet-{name}");
        Directive($"--array=0-{tasks - 1}" + (options.MaxRunning > 0 ? $"%{options.MaxRunning}" : ""));
        Directive("--requeue");
        Directive("--open-mode=append");
        Directive($"--output={Path.Combine(plan.Root, "slurm", "logs", $"{name}-%A_%a.out")}");
        Directive($"--chdir={workingDirectory}");
        Directive("--ntasks=1");
        Directive($"--cpus-per-task={Math.Max(1, options.Cpus)}");
        if (options.Gpus > 0) Directive($"--gres=gpu:{options.Gpus}");
        if (options.Mem is { Length: > 0 } mem) Directive($"--mem={mem}");
        if (options.Time is { Length: > 0 } time) Directive($"--time={time}");
        if (options.Partition is { Length: > 0 } partition) Directive($"--partition={partition}");
        if (options.Account is { Length: > 0 } account) Directive($"--account={account}");
        foreach (var extra in options.Extra) Directive(extra);
        text.Append($"# {tasks} tasks of sweep {plan.Root}: task i runs the job on line i + 1 of {tasksFile}.\n");
        text.Append("# A requeued or preempted task starts again and resumes from its run folder's checkpoints.\n");
        if (after is not null)
            text.Append($"# Submitted with sbatch --dependency=aftercorr:<job id of {after}>: task i starts once task i of {after} (its parent) is done.\n");
        text.Append("set -euo pipefail\n");
        text.Append($"job=\"$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {Quote(tasksFile)})\"\n");
        text.Append($"exec {string.Join(' ', launcher.Select(Quote))} sweep-task {Quote(plan.Root)} \"$job\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"\n");
        return text.ToString();
    }

    /// <summary>A word quoted for bash when it holds anything but letters, digits and /._-+=:,</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
