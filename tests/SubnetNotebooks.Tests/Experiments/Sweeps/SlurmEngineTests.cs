using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Tests.Experiments.Sweeps;

/// <summary>The Slurm side without a cluster: array arrangement, sbatch script content, submission and squeue parsing through a recorded command.</summary>
public class SlurmEngineTests() : InTempFolder("subnet-sweep-slurm-")
{
    SweepPlan Plan()
    {
        var (plan, configs) = SweepPlan.Create(Profiles.Smoke, [0, 1], ["single", "subnet"], SweepGrid.Expand([]), _dir);
        plan.Save(configs);
        return plan;
    }

    [Fact]
    public void ParentsComeFirstSoTaskIOfMembersFollowsTaskIOfTrain()
    {
        var plan = Plan();
        var arrays = SlurmArrays.Arrange(plan, _ => false, _ => false);

        Assert.Equal(["base.seed0.subnet.parent", "base.seed1.subnet.parent", "base.seed0.single", "base.seed1.single"], arrays.Train.Select(j => j.Id));
        Assert.Equal(["base.seed0.subnet", "base.seed1.subnet"], arrays.Members.Select(j => j.Id));
        Assert.Empty(arrays.Waiting);
    }

    [Fact]
    public void RerunsSkipDoneAndQueuedJobsAndMembersOfADoneParentNeedNoDependency()
    {
        var plan = Plan();
        var done = new HashSet<string> { "base.seed0.subnet.parent", "base.seed0.single" };
        var queued = new HashSet<string> { "base.seed1.subnet.parent" };
        var arrays = SlurmArrays.Arrange(plan, j => done.Contains(j.Id), j => queued.Contains(j.Id));

        Assert.Equal(["base.seed0.subnet", "base.seed1.single"], arrays.Train.Select(j => j.Id));
        Assert.Empty(arrays.Members);
        Assert.Equal(["base.seed1.subnet"], arrays.Waiting.Select(j => j.Id));
    }

    [Fact]
    public void ScriptAsksForTheResourcesAndRunsTheTaskOfItsIndex()
    {
        var plan = Plan();
        var options = new SlurmOptions { Partition = "gpu", Time = "24:00:00", Gpus = 1, Cpus = 8, Mem = "32G", MaxRunning = 3, Extra = ["--qos=long"] };
        var script = SlurmScript.Create(plan, "train", 4, "/sweep/slurm/train-1.tasks", options, ["/opt/subnet dir/subnet"], "/work dir");
        var lines = script.Split('\n');

        Assert.Equal("#!/usr/bin/env bash", lines[0]);
        foreach (var d in new[] { "--array=0-3%3", "--requeue", "--partition=gpu", "--time=24:00:00", "--gres=gpu:1", "--cpus-per-task=8", "--mem=32G", "--qos=long", "--chdir=/work dir", "--job-name=subnet-train" })
            Assert.Contains("#SBATCH " + d, lines);
        Assert.Contains($"#SBATCH --output={Path.Combine(plan.Root, "slurm", "logs", "train-%A_%a.out")}", lines);
        Assert.Contains("job=\"$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" /sweep/slurm/train-1.tasks)\"", lines);
        Assert.Contains($"exec '/opt/subnet dir/subnet' sweep-task {plan.Root} \"$job\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"", lines);
        // Every directive comes before the first command, or sbatch ignores it.
        int firstCommand = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
        Assert.True(lines.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("#SBATCH")).All(p => p.i < firstCommand));

        var cpu = SlurmScript.Create(plan, "members", 2, "/t", new SlurmOptions(), ["subnet"], "/w");
        Assert.Contains("#SBATCH --array=0-1", cpu.Split('\n'));
        Assert.DoesNotContain("--gres", cpu);
        Assert.DoesNotContain("--partition", cpu);
    }

    [Fact]
    public void SubmitsTrainThenMembersAfterItAndReadsTheQueueBack()
    {
        var plan = Plan();
        var calls = new List<(string Program, string[] Args)>();
        string squeue = "";
        var engine = new SlurmEngine(plan, (program, args) =>
        {
            calls.Add((program, args.ToArray()));
            return program == "squeue" ? squeue : calls.Count(c => c.Program == "sbatch") == 1 ? "41\n" : "42;cluster\n";
        });
        var (arrays, scripts) = engine.Submit(new SlurmOptions(), ["subnet"], _dir, dryRun: false);

        var sbatch = calls.Where(c => c.Program == "sbatch").ToArray();
        Assert.Equal(2, sbatch.Length);
        Assert.Equal(["--parsable", scripts[0]], sbatch[0].Args);
        Assert.Equal(["--parsable", "--dependency=aftercorr:41", scripts[1]], sbatch[1].Args);
        Assert.Equal(arrays.Train.Select(j => j.Id), File.ReadAllLines(Path.Combine(plan.Root, "slurm", "train-1.tasks")));
        Assert.Equal([("train", "41"), ("members", "42")], engine.Submissions().Select(s => (s.Array, s.SlurmJobId)));

        // Task 2 of train (base.seed0.single) runs, member task 1 (base.seed1.subnet) waits; every other task left the queue.
        squeue = "41|2|RUNNING\n42|1|PENDING\n99|0|RUNNING\n";
        var states = engine.States();
        Assert.Equal(JobState.Running, states["base.seed0.single"]);
        Assert.Equal(JobState.Pending, states["base.seed1.subnet"]);
        Assert.Equal(JobState.Failed, states["base.seed0.subnet.parent"]);

        // A second submission skips the queued jobs; the rest go again as round 2.
        calls.Clear();
        var (again, _) = engine.Submit(new SlurmOptions(), ["subnet"], _dir, dryRun: false);
        Assert.Equal(["base.seed0.subnet.parent", "base.seed1.single", "base.seed1.subnet.parent"], again.Train.Select(j => j.Id));
        Assert.Equal(["base.seed0.subnet"], again.Members.Select(j => j.Id));
        Assert.True(File.Exists(Path.Combine(plan.Root, "slurm", "train-2.sbatch")));
        Assert.Contains("--dependency=aftercorr:<job id of train-2.sbatch>", File.ReadAllText(Path.Combine(plan.Root, "slurm", "members-2.sbatch")));
    }

    [Fact]
    public void DryRunWritesScriptsButCallsNothing()
    {
        var plan = Plan();
        var engine = new SlurmEngine(plan, (p, _) => throw new InvalidOperationException($"called {p}"));
        var (_, scripts) = engine.Submit(new SlurmOptions { Gpus = 1 }, ["subnet"], _dir, dryRun: true);

        Assert.Equal(2, scripts.Count);
        Assert.All(scripts, s => Assert.Contains("#SBATCH --gres=gpu:1", File.ReadAllText(s)));
        Assert.Empty(engine.Submissions());
    }
}
