using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Ensembles;

/// <summary>
/// The equal-budget rows in training FLOPs, every number worked out by hand below: a training step of one example costs
/// 3 x its forward FLOPs, and a forward FLOP count is 2 x the multiply-adds of the linear and convolution layers.
/// </summary>
public class FlopBudgetTests() : InTempFolder("flop-budget-")
{
    static ImageDataset Noise(int n, int side, long seed)
    {
        manual_seed(seed);
        return new ImageDataset("noise", randint(0, 256, [n, 1, side, side]).to(ScalarType.Byte), randint(0, 3, [n]), 3);
    }

    static ModelRecipe Recipe(string model, int[] widths, int side) =>
        (seed, dropout) => { manual_seed(seed); return ModelFactory.Create(new ModelSpec(model, widths, dropout), 1, side, side, 3); };

    static BudgetedSubnetworkEnsemble Budgeted(ModelRecipe recipe, int epochs, int parentEpochs, int memberEpochs, SubnetworkExecution execution,
        BudgetCurrency currency = BudgetCurrency.Flops, Func<double?>? mcSeconds = null)
    {
        TrainingOptions Options(int e) => new() { Epochs = e, BatchSize = 32, LearningRate = 0.01 };
        return new BudgetedSubnetworkEnsemble(recipe, Options(parentEpochs), Options(memberEpochs), new SubnetworkSettings(2, Execution: execution), seed: 1,
            parentDropout: 0, Options(epochs), referenceDropout: 0.2, mcSeconds ?? (() => null), currency);
    }

    [Fact]
    public void ExamplesPerEpochCountTheLastPartialBatchUnlessDroppedAndStopAtTheBatchCap()
    {
        Assert.Equal(100, TrainingCost.ExamplesPerEpoch(100, 32, dropLast: false, maxBatches: 0)); // 32 + 32 + 32 + 4
        Assert.Equal(96, TrainingCost.ExamplesPerEpoch(100, 32, dropLast: true, maxBatches: 0));
        Assert.Equal(64, TrainingCost.ExamplesPerEpoch(100, 32, dropLast: false, maxBatches: 2));
        Assert.Equal(100, TrainingCost.ExamplesPerEpoch(100, 32, dropLast: false, maxBatches: 4)); // the cap is the whole epoch
    }

    /// <summary>
    /// MLP 16-8-8-3 (1x4x4 inputs), M = 2 round-robin halves, 100 samples in batches of 32 (100 examples an epoch).
    /// Dense forward: 2 x (16 x 8 + 8 x 8 + 8 x 3) = 432 FLOPs; a member 16-4-4-3: 2 x (64 + 16 + 12) = 184, both 368.
    /// MC dropout's 8 epochs: 8 x 100 x 3 x 432 = 1,036,800 FLOPs. A parent epoch 100 x 3 x 432 = 129,600; a members epoch
    /// 100 x 3 x 368 = 110,400. Configured 4 + 8 epochs cost 518,400 + 883,200 = 1,401,600: k = 0.7397, P = round(2.959) = 3,
    /// S = round((1,036,800 - 388,800) / 110,400) = round(5.870) = 6. Spent: 388,800 + 662,400 = 1,051,200 (ratio 1.0139).
    /// </summary>
    [Theory]
    [InlineData(SubnetworkExecution.Fused)]
    [InlineData(SubnetworkExecution.Compact)]
    public void MlpSplitSpendsMcDropoutsFlopsAsWorkedOutByHand(SubnetworkExecution execution)
    {
        var recipe = Recipe("mlp", [8, 8], 4);
        using var budgeted = Budgeted(recipe, epochs: 8, parentEpochs: 4, memberEpochs: 8, execution);
        var plan = budgeted.PlanFlops(100, 32, dropLast: false);
        Assert.Equal((3, 6), (plan.ParentEpochs, plan.MemberEpochs));
        Assert.Equal(1_036_800, plan.Target);
        Assert.Equal(129_600, plan.ParentEpochCost);
        Assert.Equal(110_400, plan.MembersEpochCost);

        using var train = Noise(100, 4, 7);
        budgeted.Fit(new EnsembleTrainingContext(new BatchIterator(train, 32, Normalization.Identity(1), shuffle: true, seed: 2), null, CPU,
            Path.Combine(_dir, execution.ToString())));
        Assert.Equal(execution, budgeted.Ensemble.Execution);
        Assert.Equal([3, 6], new[] { budgeted.Ensemble.TrainingRuns[0].History.Count, budgeted.Ensemble.MemberRuns[0].History.Count });
        var metrics = budgeted.BudgetMetrics;
        Assert.Equal(1, metrics["budget.currency_flops"]);
        Assert.Equal(1_036_800, metrics["budget.mcdropout_flops"]);
        Assert.Equal(1_051_200, metrics["budget.train_flops"]); // counted per step by the execution that ran
        Assert.Equal(1_051_200 / 1_036_800.0, metrics["budget.cost_ratio"], 12);
        Assert.False(metrics.ContainsKey("budget.seconds_ratio")); // MC dropout's seconds are not known to this run
    }

    /// <summary>
    /// SmallCnn [4, 8] on 1x8x8 inputs, M = 2. conv1 (3x3, 1 -> 4) at 8 x 8 positions: 2 x 36 x 64 = 4,608; conv2 (4 -> 8) at 4 x 4
    /// after the pool: 2 x 288 x 16 = 9,216; head 8 -> 3: 48. Dense 13,872. A member (2 and 4 channels): 2 x 18 x 64 = 2,304,
    /// 2 x 72 x 16 = 2,304, head 24: 4,632, both 9,264. 64 samples in batches of 32, E = 4, configured P = 2, S = 4:
    /// target 4 x 64 x 3 x 13,872 = 10,653,696; parent epoch 2,663,424; members epoch 1,778,688; k = 10,653,696 / 12,441,600
    /// = 0.8563, P = round(1.713) = 2, S = round(5,326,848 / 1,778,688) = round(2.995) = 3.
    /// </summary>
    [Fact]
    public void SmallCnnSplitAsWorkedOutByHand()
    {
        using var budgeted = Budgeted(Recipe("smallcnn", [4, 8], 8), epochs: 4, parentEpochs: 2, memberEpochs: 4, SubnetworkExecution.Fused);
        var plan = budgeted.PlanFlops(64, 32, dropLast: false);
        Assert.Equal(10_653_696, plan.Target);
        Assert.Equal(2_663_424, plan.ParentEpochCost);
        Assert.Equal(1_778_688, plan.MembersEpochCost);
        Assert.Equal((2, 3), (plan.ParentEpochs, plan.MemberEpochs));
        Assert.Equal(10_662_912, plan.Predicted);
    }

    /// <summary>Masked members compute the dense network's products: the members epoch costs M x 432 per example (1,036,800 / 8 x 2 x ... ).</summary>
    [Fact]
    public void MaskedMembersAreCountedAtTheDenseNetworksFlops()
    {
        using var budgeted = Budgeted(Recipe("mlp", [8, 8], 4), epochs: 8, parentEpochs: 4, memberEpochs: 8, SubnetworkExecution.Masked);
        var plan = budgeted.PlanFlops(100, 32, dropLast: false);
        Assert.Equal(100 * 3 * 2 * 432, plan.MembersEpochCost); // 259,200
        // k = 1,036,800 / (518,400 + 8 x 259,200) = 0.4; P = round(1.6) = 2; S = round((1,036,800 - 259,200) / 259,200) = 3.
        Assert.Equal((2, 3), (plan.ParentEpochs, plan.MemberEpochs));
    }

    /// <summary>The executed FLOPs of masked subnetworks: two MLP members that each compute the dense 432-FLOP network.</summary>
    [Fact]
    public void MaskedSubnetworksExecuteTheDenseNetworksFlops()
    {
        using var train = Noise(32, 4, 3);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.01 };
        foreach (var (execution, executed) in new[] { (SubnetworkExecution.Masked, 2 * 432L), (SubnetworkExecution.Compact, 368L) })
        {
            using var ensemble = new SubnetworkEnsemble(Recipe("mlp", [8, 8], 4), options, options, new SubnetworkSettings(2, Execution: execution), seed: 1);
            ensemble.Fit(new EnsembleTrainingContext(new BatchIterator(train, 16, Normalization.Identity(1), shuffle: true, seed: 2), null, CPU));
            Assert.Equal(368, ensemble.FlopsPerExample);
            Assert.Equal(executed, ensemble.ExecutedFlopsPerExample);
            // One parent epoch and one member epoch of 32 examples: 32 x 3 x (432 + executed).
            Assert.Equal(32 * 3 * (432 + executed), ensemble.TrainingFlops);
        }
    }

    /// <summary>deep-budget: E = 8, M = 2 gives 4 epochs a member: 2 x 4 x 100 x 3 x 432 = MC dropout's 1,036,800 exactly.</summary>
    [Fact]
    public void DeepBudgetSpendsMcDropoutsFlopsAndReportsTheSecondsRatioWhenKnown()
    {
        using var train = Noise(100, 4, 9);
        var options = new TrainingOptions { Epochs = 8, BatchSize = 32, LearningRate = 0.01 };
        using var deep = new BudgetedDeepEnsemble(Recipe("mlp", [8, 8], 4), options, 2, seed: 1, () => 40.0);
        deep.Fit(new EnsembleTrainingContext(new BatchIterator(train, 32, Normalization.Identity(1), shuffle: true, seed: 2), null, CPU));
        var metrics = deep.BudgetMetrics;
        Assert.Equal(4, metrics["budget.member_epochs"]);
        Assert.Equal(1_036_800, metrics["budget.mcdropout_flops"]);
        Assert.Equal(1_036_800, metrics["budget.train_flops"]);
        Assert.Equal(1.0, metrics["budget.cost_ratio"]);
        Assert.Equal(40.0, metrics["budget.mcdropout_seconds"]);
        Assert.Equal(deep.TrainingSeconds() / 40.0, metrics["budget.seconds_ratio"], 12);
        Assert.False(metrics.ContainsKey("budget.parent_epochs"));
    }

    [Fact]
    public void ABudgetFileWrittenBeforeCurrenciesResumesAsASecondsBudget()
    {
        var legacy = """{ "ParentEpochs": 3, "MemberEpochs": 5, "TargetSeconds": 100, "ParentEpochSeconds": 10, "MembersEpochSeconds": 14, "ReferenceEpochSeconds": 12.5, "MeasuredReference": true, "MembersMeasured": true }""";
        var budget = TrainingBudget.FromJson(legacy, "budget.json");
        Assert.Equal(new TrainingBudget(3, 5, 100, 10, 14, 12.5, BudgetCurrency.Seconds, true, true), budget);
        Assert.Equal(budget, TrainingBudget.FromJson(budget.ToJson(), "budget.json"));
        var e = Assert.Throws<InvalidDataException>(() => TrainingBudget.FromJson("[1, 2]", "checkpoints/subnet-budget/budget.json"));
        Assert.Contains("checkpoints/subnet-budget/budget.json", e.Message);
    }
}
