using System.Text.Json;
using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>The equal-budget rows, subnet-budget and deep-budget, end to end on the synthetic digits.</summary>
public class BudgetMethodsTests() : InTempFolder("subnet-budget-")
{
    ExperimentConfig Config() => Profiles.Smoke with
    {
        Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 5), TrainSamples = 0, TestSamples = 0,
        ValidationSamples = 200, ShiftSamples = 0, Widths = [32, 32], Members = 2, Epochs = 5, ParentEpochs = 3, SubnetEpochs = 3,
        BatchSize = 32, LearningRate = 0.05, Seed = 3, Methods = ["mcdropout", "subnet-budget", "deep-budget"],
        // Forced: auto picks the execution by timing, and the test follows the subnet-budget/fused checkpoint.
        Execution = "fused",
    };

    [Fact]
    public void DeepBudgetTrainsEveryMemberForEOverMEpochs()
    {
        var outcome = ExperimentRunner.Run(Config() with { Methods = ["deep-budget"] }, Path.Combine(_dir, "deep"));

        // E = 5, M = 2: round(2.5) = 3 epochs per member (halves round away from zero), each in its own checkpoint folder.
        var runs = outcome.Methods.Single().TrainingRuns;
        Assert.Equal(["deep-budget/1", "deep-budget/2"], runs.Select(r => r.History[0].Run));
        Assert.All(runs, r => Assert.Equal([1, 2, 3], r.History.Select(h => h.Epoch)));
        Assert.True(File.Exists(Path.Combine(_dir, "deep", "checkpoints", "deep-budget", "2", "last.ckpt")));
    }

    [Fact]
    public void FlopBudgetsSpendMcDropoutsTrainingFlopsWithinHalfAMembersEpoch()
    {
        var folder = Path.Combine(_dir, "flops");
        ExperimentRunner.Run(Config(), folder);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        double Metric(string method, string key) => metrics.RootElement.GetProperty(method).GetProperty(key).GetDouble();
        // MC dropout's training FLOPs, counted per step, are the budget both rows spend.
        double target = Metric("mcdropout", "cost.train_flops");
        Assert.Equal(target, Metric("subnet-budget", "budget.mcdropout_flops"), 6);
        Assert.Equal(1.0, Metric("subnet-budget", "budget.currency_flops"));
        // What trained is what was planned: P parent epochs and S member epochs at their counted FLOPs.
        double parentEpoch = Metric("subnet-budget", "budget.parent_epoch_flops"), membersEpoch = Metric("subnet-budget", "budget.members_epoch_flops");
        double spent = Metric("subnet-budget", "cost.train_flops");
        Assert.Equal(Metric("subnet-budget", "budget.parent_epochs") * parentEpoch + Metric("subnet-budget", "budget.member_epochs") * membersEpoch, spent, 6);
        // S rounds what the parent left: the spent FLOPs are within half a members epoch of the budget.
        Assert.InRange(spent, target - membersEpoch / 2, target + membersEpoch / 2);
        Assert.Equal(spent / target, Metric("subnet-budget", "budget.cost_ratio"), 9);
        // MC dropout trained in this run, so the wall-clock ratio is reported beside the FLOPs ratio.
        Assert.Equal(Metric("subnet-budget", "cost.train_seconds") / Metric("mcdropout", "cost.train_seconds"), Metric("subnet-budget", "budget.seconds_ratio"), 9);
        // deep-budget: E = 5, M = 2, round(2.5) = 3 epochs a member: 2 x 3 / 5 = 1.2 of MC dropout's FLOPs.
        Assert.Equal(1.2, Metric("deep-budget", "budget.flops_ratio"), 9);
        Assert.Equal(1.2, Metric("deep-budget", "budget.cost_ratio"), 9);
    }

    [Fact]
    public void SubnetBudgetReportsItsSplitAndItsCostOverMcDropoutsAndKeepsTheSplitOnResume()
    {
        var folder = Path.Combine(_dir, "run");
        var outcome = ExperimentRunner.Run(Config() with { BudgetCurrency = "seconds" }, folder);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        double Metric(string method, string key) => metrics.RootElement.GetProperty(method).GetProperty(key).GetDouble();
        int parent = (int)Metric("subnet-budget", "budget.parent_epochs"), members = (int)Metric("subnet-budget", "budget.member_epochs");
        Assert.True(parent >= 1 && members >= 1, $"split {parent} + {members}");
        // The budget is MC dropout's measured training time.
        double mcSeconds = Metric("mcdropout", "cost.train_seconds");
        Assert.Equal(1.0, Metric("subnet-budget", "budget.measured_mcdropout"));
        Assert.Equal(mcSeconds, Metric("subnet-budget", "budget.target_seconds"), 9);
        // The split is what trained: the parent's and the fused members' histories have those many epochs.
        var runs = outcome.Methods.Single(m => m.Method == "subnet-budget").TrainingRuns;
        Assert.Equal(parent, runs.Single(r => r.History[0].Run == "subnet-budget/parent").History.Count);
        Assert.Equal(members, runs.Single(r => r.History[0].Run == "subnet-budget/fused").History.Count);
        Assert.True(File.Exists(Path.Combine(folder, "checkpoints", "subnet-budget", "budget.json")));
        // What the row exists for: the split spends MC dropout's budget T. The parent's epochs cost what they measured, and
        // each member epoch what the first one measured (me), so the spend P-cost + S me is T to within the rounding of S
        // to whole epochs, me / 2, except that at least one member epoch is trained (S = 1 may spend more). Only the
        // recorded epoch figures enter, so the bound holds however loaded the machine was.
        double parentSeconds = runs.Single(r => r.History[0].Run == "subnet-budget/parent").History.Sum(h => h.Seconds);
        double memberEpoch = runs.Single(r => r.History[0].Run == "subnet-budget/fused").History[0].Seconds;
        Assert.Equal(1.0, Metric("subnet-budget", "budget.measured_members"));
        double spent = parentSeconds + members * memberEpoch;
        Assert.True(spent >= mcSeconds - memberEpoch / 2 - 1e-9, $"spent {spent:F3} s of a {mcSeconds:F3} s budget (member epoch {memberEpoch:F3} s)");
        if (members > 1)
            Assert.True(spent <= mcSeconds + memberEpoch / 2 + 1e-9, $"spent {spent:F3} s of a {mcSeconds:F3} s budget (member epoch {memberEpoch:F3} s)");
        Assert.Equal(0.0, Metric("deep-budget", "budget.currency_flops"));
        Assert.Equal(Metric("deep-budget", "cost.train_seconds") / mcSeconds, Metric("deep-budget", "budget.cost_ratio"), 9);

        // A second run of the folder reads budget.json instead of timing again: the same measured epoch costs.
        var resumed = ExperimentRunner.Run(Config() with { Methods = ["subnet-budget"], BudgetCurrency = "seconds" }, folder);
        var again = resumed.Methods.Single().Flatten();
        Assert.Equal(Metric("subnet-budget", "budget.parent_epoch_seconds"), again["budget.parent_epoch_seconds"]);
        Assert.Equal(parent, again["budget.parent_epochs"]);
        Assert.Equal(members, again["budget.member_epochs"]);
        Assert.Equal(members, resumed.Methods.Single().TrainingRuns.Single(r => r.History[0].Run == "subnet-budget/fused").History.Count);
    }
}
