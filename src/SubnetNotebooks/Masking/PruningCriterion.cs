namespace SubnetNotebooks.Masking;

/// <summary>How the importance of a unit (or a single weight) is scored before partitioning.</summary>
public enum PruningCriterion
{
    /// <summary>L1 norm of the unit's incoming weights (|w| for a single weight). The default.</summary>
    Magnitude,
    /// <summary>Uniform random scores from the seed: a ranking that ignores the weights.</summary>
    Random,
    /// <summary>First-order Taylor: |w * dL/dw| summed over the unit's incoming weights, gradients summed over a few batches.</summary>
    Taylor,
}
