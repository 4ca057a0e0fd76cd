namespace SubnetNotebooks.Ensembles;

/// <summary>How the M subnetworks of a <see cref="SubnetworkEnsemble"/> are trained and run.</summary>
public enum SubnetworkExecution
{
    /// <summary>
    /// One grouped (block-diagonal) network holding every compacted member (<see cref="Models.FusedSubnetworks"/>): all M
    /// members train in one pass per batch, each on its own batch order, and predict in one pass. Applies to unit-level
    /// masks of mlp and smallcnn with an even split; elsewhere the ensemble falls back to <see cref="Compact"/>.
    /// </summary>
    Fused,
    /// <summary>M thin dense networks trained one after another (unit-level masks; weight-level masks fall back to <see cref="Masked"/>).</summary>
    Compact,
    /// <summary>M full-size networks with the mask applied in every forward pass (the reference; no compute saved).</summary>
    Masked,
}
