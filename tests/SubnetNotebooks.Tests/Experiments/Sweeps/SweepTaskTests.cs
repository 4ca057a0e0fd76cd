using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;
using SubnetNotebooks.Tests.Experiments;

namespace SubnetNotebooks.Tests.Experiments.Sweeps;

/// <summary>Jobs run one by one in their run folders give what one uninterrupted run of the experiment gives.</summary>
public class SweepTaskTests() : InTempFolder("subnet-sweep-task-")
{
    [Fact]
    public void SubnetParentThenMembersJobsEqualOneRunOfTheMethod()
    {
        var config = Profiles.Smoke with
        {
            Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 5), TrainSamples = 600, TestSamples = 300,
            ValidationSamples = 100, ShiftSamples = 0, Widths = [32, 32], Members = 2, ParentEpochs = 2, SubnetEpochs = 1, BatchSize = 32, Seed = 3,
            // Forced: auto picks the members' execution by timing, so two runs on a loaded machine may train in different
            // formulations, equal only to about 1e-8.
            Execution = "fused",
        };
        var root = Path.Combine(_dir, "sweep");
        var (plan, configs) = SweepPlan.Create(config, [3], ["subnet"], SweepGrid.Expand([]), root);
        plan.Save(configs);

        var early = Assert.Throws<InvalidOperationException>(() => SweepTask.Run(root, "base.seed3.subnet"));
        Assert.Contains("base.seed3.subnet.parent", early.Message);
        SweepTask.Run(root, "base.seed3.subnet.parent");
        Assert.Equal(JobState.Done, JobMarks.Read(plan.Root, plan.Job("base.seed3.subnet.parent")));
        var swept = SweepTask.Run(root, "base.seed3.subnet");
        var whole = ExperimentRunner.Run(config with { Methods = ["subnet"] }, Path.Combine(_dir, "whole")).Methods.Single().Flatten();

        foreach (var key in new[] { "accuracy", "nll", "ece", "brier", "ts.nll", "diversity.disagreement", "cost.parameters" })
            Assert.Equal(whole[key], swept[key], 12);
        Assert.Contains("\"resumedFromEpoch\": 2", File.ReadAllText(JobMarks.Done(plan.Root, plan.Job("base.seed3.subnet")))); // the parent's finished checkpoint
    }
}
