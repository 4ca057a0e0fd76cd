using SubnetNotebooks.Ensembles;

namespace SubnetNotebooks.Tests.Ensembles;

public class TrainingBudgetTests
{
    [Fact]
    public void SplitScalesTheConfiguredRatioAndFillsTheRestWithMemberEpochs()
    {
        // MC dropout: 10 epochs x 10 s = 100 s. Parent epoch 10 s, fused members epoch 8 s, configured 10 + 10 epochs (180 s).
        // k = 100 / 180 = 0.556: P = round(5.56) = 6; S = round((100 - 60) / 8) = 5; cost 6 x 10 + 5 x 8 = 100 s.
        Assert.Equal((6, 5), TrainingBudget.Split(100, 10, 8, 10, 10));
    }

    [Fact]
    public void SplitAtTheConfiguredCostKeepsTheConfiguredEpochs()
    {
        // 10 x 20 s + 20 x 5 s = 300 s is already the budget.
        Assert.Equal((10, 20), TrainingBudget.Split(300, 20, 5, 10, 20));
    }

    [Fact]
    public void SplitRoundsSoTheCostIsWithinHalfAMembersEpochOfTheBudget()
    {
        // 30 epochs of MC dropout at 1.4 s = 42 s; parent 1.5 s, members 1.1 s, configured 15 + 30.
        // k = 42 / (22.5 + 33) = 0.757: P = round(11.35) = 11; S = round((42 - 16.5) / 1.1) = round(23.18) = 23; cost 41.8 s.
        var (p, s) = TrainingBudget.Split(42, 1.5, 1.1, 15, 30);
        Assert.Equal((11, 23), (p, s));
        Assert.InRange(p * 1.5 + s * 1.1, 42 - 0.55, 42 + 0.55);
    }

    [Fact]
    public void SplitKeepsAtLeastOneEpochEach()
    {
        // The budget (5 s) is below one parent epoch (10 s): P = max(1, round(0.28)) = 1, S = max(1, round(-0.625)) = 1.
        Assert.Equal((1, 1), TrainingBudget.Split(5, 10, 8, 10, 10));
    }

    [Fact]
    public void MemberEpochsFillWhatTheTrainedParentLeftOfTheBudget()
    {
        // 100 s budget; the parent took 63.2 s and the first member epoch 7.9 s: (100 - 63.2) / 7.9 = 4.66, so 5 member epochs.
        Assert.Equal(5, TrainingBudget.MemberEpochsFor(100, 63.2, 7.9));
        // 4.5 epochs left rounds away from zero; a parent over the budget still leaves one member epoch.
        Assert.Equal(5, TrainingBudget.MemberEpochsFor(100, 55, 10));
        Assert.Equal(1, TrainingBudget.MemberEpochsFor(100, 120, 10));
    }

    [Fact]
    public void PredictedIsTheBudgetEquation()
    {
        var budget = new TrainingBudget(6, 5, 100, 10, 8, 10, BudgetCurrency.Seconds, true);
        Assert.Equal(6 * 10 + 5 * 8, budget.Predicted);
    }

    [Fact]
    public void RejectsAnUnmeasuredEpochCost()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingBudget.Split(100, 0, 8, 10, 10));
        Assert.Contains("parentEpochCost", e.Message);
    }
}
