namespace SubnetNotebooks.Ensembles;

/// <summary>The budget.* metrics every equal-budget row reports: its cost against MC dropout's in FLOPs and, where known, in seconds.</summary>
public static class BudgetReport
{
    /// <summary>
    /// budget.currency_flops (1: the budget counted FLOPs, 0: seconds), budget.parent_epochs (when there is a parent),
    /// budget.member_epochs, budget.mcdropout_flops and budget.train_flops with budget.flops_ratio, budget.train_seconds and, when MC
    /// dropout's training seconds are known, budget.mcdropout_seconds with budget.seconds_ratio; budget.cost_ratio is the ratio in
    /// the budget's currency.
    /// </summary>
    /// <param name="currency">what the budget counted</param>
    /// <param name="referenceFlops">MC dropout's training FLOPs (E epochs)</param>
    /// <param name="trainingFlops">the row's training FLOPs as executed</param>
    /// <param name="referenceSeconds">MC dropout's measured training seconds, or null where this run cannot read them</param>
    /// <param name="trainingSeconds">the row's training seconds</param>
    /// <param name="parentEpochs">the parent's epochs, or 0 for a row without a parent</param>
    /// <param name="memberEpochs">every member's epochs</param>
    public static Dictionary<string, double> Metrics(BudgetCurrency currency, double referenceFlops, double trainingFlops, double? referenceSeconds,
        double trainingSeconds, int parentEpochs, int memberEpochs)
    {
        if (!(referenceFlops > 0)) throw new ArgumentException($"MC dropout's training FLOPs must be positive, got {referenceFlops}.", nameof(referenceFlops));
        var metrics = new Dictionary<string, double>
        {
            ["budget.currency_flops"] = currency == BudgetCurrency.Flops ? 1 : 0,
            ["budget.member_epochs"] = memberEpochs,
            ["budget.mcdropout_flops"] = referenceFlops,
            ["budget.train_flops"] = trainingFlops,
            ["budget.flops_ratio"] = trainingFlops / referenceFlops,
            ["budget.train_seconds"] = trainingSeconds,
        };
        if (parentEpochs > 0) metrics["budget.parent_epochs"] = parentEpochs;
        if (referenceSeconds is > 0 and var seconds)
        {
            metrics["budget.mcdropout_seconds"] = seconds;
            metrics["budget.seconds_ratio"] = trainingSeconds / seconds;
        }
        if (currency == BudgetCurrency.Flops) metrics["budget.cost_ratio"] = metrics["budget.flops_ratio"];
        else if (metrics.TryGetValue("budget.seconds_ratio", out var ratio)) metrics["budget.cost_ratio"] = ratio;
        return metrics;
    }
}
