namespace SubnetNotebooks.Ensembles;

/// <summary>An ensemble trained to a measured budget rather than a fixed number of epochs; it reports how.</summary>
public interface IBudgetedEnsemble
{
    /// <summary>budget.* metrics (e.g. budget.parent_epochs, budget.cost_ratio), written beside the other metrics of the method.</summary>
    IReadOnlyDictionary<string, double> BudgetMetrics { get; }
}
