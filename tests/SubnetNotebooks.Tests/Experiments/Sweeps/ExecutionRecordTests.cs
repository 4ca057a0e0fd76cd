using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;
using SubnetNotebooks.Tests.Experiments;

namespace SubnetNotebooks.Tests.Experiments.Sweeps;

/// <summary>
/// execution=auto decided once and reused: timings are injected, so a later session whose timings point the other way shows
/// whether it timed again or read the record.
/// </summary>
public class ExecutionRecordTests() : InTempFolder("subnet-execution-record-")
{
    ExperimentConfig Config() => Profiles.Smoke with
    {
        Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 5), TrainSamples = 200, TestSamples = 100,
        ValidationSamples = 100, ShiftSamples = 0, Widths = [16, 16], Members = 2, ParentEpochs = 1, SubnetEpochs = 1, Epochs = 2,
        BatchSize = 32, Seed = 3, Methods = ["subnet"], Execution = "auto",
    };

    /// <summary>
    /// An MLP's candidates are timed in the order fused, compact: this timer makes the first one <paramref name="firstSeconds"/> and
    /// the second <paramref name="secondSeconds"/> a step, and counts its calls.
    /// </summary>
    sealed class Timer(double firstSeconds, double secondSeconds)
    {
        public int Calls;
        public double Time(Action step) { step(); return Calls++ % 2 == 0 ? firstSeconds : secondSeconds; }
    }

    MethodOutcome TrainSubnet(ExperimentConfig config, string folder, string? study, Timer timer)
    {
        using var session = ExperimentSession.Open(config, folder, studyFolder: study);
        session.Executions = new ExecutionRecord(session.Executions.Files, timer.Time);
        return session.Train("subnet").Outcome;
    }

    [Fact]
    public void ALaterSeedWithOtherTimingsReusesTheRecordedChoice()
    {
        var study = Path.Combine(_dir, "seeds");
        var compactFaster = new Timer(0.002, 0.001);
        var first = TrainSubnet(Config(), Path.Combine(study, "seed0"), study, compactFaster);
        Assert.Equal(SubnetworkExecution.Compact, first.Execution!.Used);
        Assert.False(first.Execution.Recorded);
        Assert.Equal(2, compactFaster.Calls);
        Assert.Equal(2.0, first.Execution.StepSeconds[SubnetworkExecution.Fused] * 1000, 9);

        // Seed 1, as a second process would see it: only the study's execution.json is shared, and its timer says fused.
        var fusedFaster = new Timer(0.001, 0.002);
        var second = TrainSubnet(Config() with { Seed = 1 }, Path.Combine(study, "seed1"), study, fusedFaster);
        Assert.Equal(SubnetworkExecution.Compact, second.Execution!.Used);
        Assert.True(second.Execution.Recorded);
        Assert.Equal(0, fusedFaster.Calls);
        Assert.Equal(1.0, second.Flatten()["cost.execution.recorded"]);
        Assert.True(File.Exists(Path.Combine(study, "seed1", ExecutionRecord.FileName))); // the run folder keeps its own copy

        // Another study has no record: the same timer then chooses fused; a forced execution is never looked up.
        var elsewhere = new Timer(0.001, 0.002);
        Assert.Equal(SubnetworkExecution.Fused, TrainSubnet(Config(), Path.Combine(_dir, "other", "seed0"), Path.Combine(_dir, "other"), elsewhere).Execution!.Used);
        var forced = TrainSubnet(Config() with { Execution = "compact", Seed = 2 }, Path.Combine(_dir, "other", "seed2"), Path.Combine(_dir, "other"), new Timer(1, 1));
        Assert.Equal(SubnetworkExecution.Compact, forced.Execution!.Used);
        Assert.Empty(forced.Execution.StepSeconds);
    }

    [Fact]
    public void ASweepDecidesOnceInItsPlanAndItsJobsTrainInThatExecution()
    {
        var root = Path.Combine(_dir, "sweep");
        var (plan, configs) = SweepPlan.Create(Config(), [0, 1], ["subnet"], SweepGrid.Expand([]), root);
        plan.Save(configs);
        var timer = new Timer(0.002, 0.001);
        var decided = SweepExecutions.Decide(plan, configs, _ => true, timer.Time).Single();
        Assert.Equal(SubnetworkExecution.Compact, decided.Choice!.Used);
        Assert.Equal("timed now", decided.How);
        Assert.StartsWith("base: compact (fused 2.0 ms, compact 1.0 ms per step; timed now)", SweepExecutions.Describe(decided));
        Assert.Contains(decided.Key, File.ReadAllText(Path.Combine(root, ExecutionRecord.FileName)));
        // Planning again (a rerun of the same command) reads it.
        var again = SweepExecutions.Decide(plan, configs, _ => true, new Timer(0.001, 0.002).Time).Single();
        Assert.Equal(("recorded earlier", SubnetworkExecution.Compact), (again.How, again.Choice!.Used));
        // Where the jobs' device is not at hand, nothing is timed and the first job decides.
        Assert.Null(SweepExecutions.Decide(plan, configs, _ => false).Single().Choice);

        // A job with the default timer (real timings) trains in the planned execution, read from the record.
        SweepTask.Run(root, "base.seed1.subnet.parent");
        var members = SweepTask.Run(root, "base.seed1.subnet");
        Assert.Equal(1.0, members["cost.execution.compact"]);
        Assert.Equal(1.0, members["cost.execution.recorded"]);
    }

    [Fact]
    public void ARecordThatIsNotOneIsAnErrorNamingTheFile()
    {
        var file = Path.Combine(_dir, ExecutionRecord.FileName);
        File.WriteAllText(file, """{ "cpu|Mlp|16-16|1x8x8|M2|batch32": { "used": "sideways" } }""");
        var e = Assert.Throws<InvalidDataException>(() => ExecutionRecord.In(_dir).Find("cpu|Mlp|16-16|1x8x8|M2|batch32"));
        Assert.Contains(file, e.Message);
        Assert.Contains("sideways", e.Message);
    }

    [Fact]
    public void ASecondsBudgetJobWaitsForTheMcDropoutJobAndSpendsItsMeasuredSeconds()
    {
        var config = Config() with { BudgetCurrency = "seconds", Execution = "fused" };
        var missing = Assert.Throws<ArgumentException>(() => SweepPlan.Create(config, [0], ["subnet-budget"], SweepGrid.Expand([]), Path.Combine(_dir, "none")));
        Assert.Contains("add mcdropout to --methods", missing.Message);

        var root = Path.Combine(_dir, "budget");
        var (plan, configs) = SweepPlan.Create(config, [0], ["mcdropout", "subnet-budget", "deep-budget"], SweepGrid.Expand([]), root);
        plan.Save(configs);
        Assert.Equal("base.seed0.mcdropout", plan.Job("base.seed0.subnet-budget").DependsOn);
        Assert.Null(plan.Job("base.seed0.deep-budget").DependsOn); // E / M epochs whatever MC dropout took
        // Slurm: the budget job is in the array that waits task by task for the first (aftercorr), paired with MC dropout.
        var arrays = SlurmArrays.Arrange(plan, _ => false, _ => false);
        Assert.Equal("base.seed0.mcdropout", arrays.Train[arrays.Members.ToList().FindIndex(j => j.Id == "base.seed0.subnet-budget")].Id);
        // Locally (and by hand) it does not start before MC dropout is done, then reads MC dropout's seconds from its folder.
        var early = Assert.Throws<InvalidOperationException>(() => SweepTask.Run(root, "base.seed0.subnet-budget"));
        Assert.Contains("base.seed0.mcdropout", early.Message);
        var mc = SweepTask.Run(root, "base.seed0.mcdropout");
        var budget = SweepTask.Run(root, "base.seed0.subnet-budget");
        Assert.Equal(1.0, budget["budget.measured_mcdropout"]);
        Assert.Equal(mc["cost.train_seconds"], budget["budget.target_seconds"], 9);
        Assert.Equal(mc["cost.train_seconds"], budget["budget.mcdropout_seconds"], 9);
    }
}
