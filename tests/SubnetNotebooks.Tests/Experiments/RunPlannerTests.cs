using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>The deterministic parts of `subnet plan`: runs, epochs, steps, parameters and the run folder (never the wall time).</summary>
public class RunPlannerTests
{
    /// <summary>Parameters of ResNet-18 with the CIFAR stem at stage widths w (3x3 convs without bias, BatchNorm weight + bias, linear head).</summary>
    static long ResNet18Parameters(int[] w, int inputs, int classes)
    {
        long p = 9L * inputs * w[0] + 2 * w[0];                       // stem conv + BN
        p += 2 * (18L * w[0] * w[0] + 4 * w[0]);                     // stage 1: two identity blocks
        for (int s = 1; s < 4; s++)
        {
            long i = w[s - 1], o = w[s];
            p += 9 * i * o + 2 * o + 9 * o * o + 2 * o + i * o + 2 * o;  // first block: conv1, conv2, 1x1 projection, three BNs
            p += 18 * o * o + 4 * o;                                  // second block
        }
        return p + (long)w[3] * classes + classes;                  // head
    }

    static ExperimentConfig Tiny => Profiles.PaperCifar10 with
    {
        Widths = [4, 4, 8, 8], Members = 2, Methods = ["single", "deep", "subnet"], TrainSamples = 1000, BatchSize = 100,
        Epochs = 3, ParentEpochs = 2, SubnetEpochs = 4, Threads = 2, Device = "cpu", ShiftSamples = 0, Seed = 5,
    };

    /// <summary>One rehearsal shared by the tests (it trains every network for a few steps).</summary>
    static readonly Lazy<RunPlan> Planned = new(() => RunPlanner.Make(Tiny, "runs/plan-test", timedSteps: 2));

    [Fact]
    public void PlanListsEveryRunWithItsEpochsAndSteps()
    {
        var plan = Planned.Value;
        // 1,000 training images (trainSamples caps the 45,000 left after 5,000 validation ones), batch 100: 10 steps.
        Assert.Equal(1000, plan.TrainImages);
        int steps = (1000 + 99) / 100;
        var runs = plan.Runs.ToArray();
        Assert.Equal(["single", "deep/1", "deep/2", "subnet/parent"], runs.Take(4).Select(r => r.Run));
        // The subnetworks train as one fused network or as M compact ones, each for subnetEpochs.
        var members = runs.Skip(4).Select(r => r.Run).ToArray();
        Assert.True(members is ["subnet/fused"] or ["subnet/1", "subnet/2"], string.Join(", ", members));
        Assert.Equal([3, 3, 3, 2], runs.Take(4).Select(r => r.Epochs));
        Assert.All(runs.Skip(4), r => Assert.Equal(4, r.Epochs));
        Assert.All(runs, r => Assert.Equal(steps, r.StepsPerEpoch));
        Assert.Equal(3L * 10 * 3 + 2 * 10 + members.Length * 4 * 10, runs.Sum(r => r.Steps));
        Assert.All(plan.Runs, r => Assert.True(r.SecondsPerStep > 0, r.Run));
        Assert.Equal("runs/plan-test", plan.RunFolder);
        Assert.Equal(RunFolder.DefaultPath(Tiny), RunPlanner.Make(Tiny with { Methods = ["single"], Widths = [2, 2, 2, 2] }, timedSteps: 2).RunFolder);
    }

    [Fact]
    public void BudgetRowsArePlannedAtTheirOwnEpochs()
    {
        var config = Tiny with { Methods = ["mcdropout", "subnet-budget", "deep-budget"], Epochs = 4, ParentEpochs = 1, SubnetEpochs = 1, BudgetCurrency = "seconds" };
        var plan = RunPlanner.Make(config, timedSteps: 2);
        // deep-budget: M = 2 members of E / M = 2 epochs each.
        var deep = plan.Runs.Where(r => r.Method == "deep-budget").ToArray();
        Assert.Equal(2, deep.Length);
        Assert.All(deep, r => Assert.Equal(2, r.Epochs));
        // subnet-budget: P parent epochs and S member epochs whose timed cost is MC dropout's E epochs T, whatever the
        // configured 1 : 1 split said. S rounds what P leaves, so the cost is at least T - me / 2; P rounds k x 1 with
        // k = T / (pe + me), so P x pe <= T + pe / 2, and S >= 1 adds at most one members epoch me.
        double Epoch(PlannedRun r) => r.StepsPerEpoch * r.SecondsPerStep;
        var budget = plan.Runs.Where(r => r.Method == "subnet-budget").ToArray();
        var parent = budget.Single(r => r.Run.EndsWith("/parent"));
        var members = budget.Where(r => r != parent).ToArray();
        Assert.All(members, r => Assert.Equal(members[0].Epochs, r.Epochs));
        double target = 4 * Epoch(plan.Runs.Single(r => r.Method == "mcdropout"));
        double planned = parent.Epochs * Epoch(parent) + members[0].Epochs * members.Sum(Epoch);
        double pe = Epoch(parent), me = members.Sum(Epoch);
        Assert.InRange(planned, target - 0.5 * me - 1e-9, target + 0.5 * pe + me + 1e-9);
    }

    [Fact]
    public void FlopBudgetRowsArePlannedAtTheSplitTrainingMakesBeforeTheParentTrains()
    {
        var config = Tiny with { Methods = ["subnet-budget"], Epochs = 4, ParentEpochs = 1, SubnetEpochs = 1 };
        var plan = RunPlanner.Make(config, timedSteps: 2);
        using var budgeted = (SubnetNotebooks.Ensembles.BudgetedSubnetworkEnsemble)Methods.Create("subnet-budget", config, RunPlanner.Shapes(config).Model);
        var split = budgeted.PlanFlops(plan.TrainImages, config.BatchSize, dropLast: false);
        var runs = plan.Runs.Where(r => r.Method == "subnet-budget").ToArray();
        Assert.Equal(split.ParentEpochs, runs.Single(r => r.Run.EndsWith("/parent")).Epochs);
        Assert.All(runs.Where(r => !r.Run.EndsWith("/parent")), r => Assert.Equal(split.MemberEpochs, r.Epochs));
        // Four MC-dropout epochs against a 1 : 1 split whose members cost less than their parent: more than one epoch each.
        Assert.True(split.ParentEpochs + split.MemberEpochs > 2, $"{split.ParentEpochs} + {split.MemberEpochs}");
    }

    [Fact]
    public void PlanCountsParametersOfEveryMethod()
    {
        var plan = Planned.Value;
        long single = ResNet18Parameters([4, 4, 8, 8], 3, 10);
        Assert.Equal(single, plan.Methods.Single(m => m.Method == "single").Parameters);
        Assert.Equal(2 * single, plan.Methods.Single(m => m.Method == "deep").Parameters);
        var deep = plan.Methods.Single(m => m.Method == "deep");
        Assert.Equal(2 * plan.Methods.Single(m => m.Method == "single").FlopsPerExample, deep.FlopsPerExample);
        // Two disjoint subnetworks of the [4, 4, 8, 8] parent: each a ResNet-18 at half the widths, [2, 2, 4, 4], with the
        // image input and its own 10 class outputs: stem 58, stage 1 160, stage 2 168, stage 3 552, stage 4 632, head 50,
        // 1,620 each, 3,240 for both (the parent has 6,022).
        Assert.Equal(6_022, single);
        Assert.Equal(1_620, ResNet18Parameters([2, 2, 4, 4], 3, 10));
        Assert.Equal(2 * 1_620, plan.Methods.Single(m => m.Method == "subnet").Parameters);
    }

    [Fact]
    public void StepsAndImagesFollowTheDatasetAndTheCap()
    {
        var cifar = Profiles.PaperCifar10;
        Assert.Equal(50_000 - 5_000, RunPlanner.TrainImages(cifar, SubnetNotebooks.Data.DatasetCatalog.Info("cifar10")));
        Assert.Equal(352, RunPlanner.StepsPerEpoch(45_000, 128));   // 45,000 / 128 = 351.6
        Assert.Equal(20, RunPlanner.StepsPerEpoch(45_000, 128, maxBatchesPerEpoch: 20));
        Assert.Equal(5_994 - 600, RunPlanner.TrainImages(Profiles.PaperCub200, SubnetNotebooks.Data.DatasetCatalog.Info("cub200")));
    }
}
