namespace SubnetNotebooks.Ensembles;

/// <summary>How the M subnetworks of a <see cref="SubnetworkEnsemble"/> are trained and run.</summary>
public enum SubnetworkExecution
{
    /// <summary>
    /// The default: before training, a few training steps of every candidate (<see cref="Fused"/>, <see cref="FusedUnfold"/>
    /// where the members have convolutions, <see cref="Compact"/>) are timed on the run's device and batch, and the fastest
    /// trains the members (see <see cref="ExecutionChoice"/>). Unfusable members train compact; weight masks, masked.
    /// </summary>
    Auto,
    /// <summary>
    /// One grouped (block-diagonal) network holding every compacted member (<see cref="Models.FusedSubnetworks"/>) with grouped
    /// convolutions (groups = M): all M members train in one pass per batch, each on its own batch order, and predict in one
    /// pass. Applies to unit-level masks with an even split; elsewhere the ensemble falls back to <see cref="Compact"/>.
    /// </summary>
    Fused,
    /// <summary>As <see cref="Fused"/>, with every convolution computed as unfold + batched matmul over the members (<see cref="Models.ConvolutionFormulation.UnfoldMatmul"/>).</summary>
    FusedUnfold,
    /// <summary>M thin dense networks trained one after another (unit-level masks; weight-level masks fall back to <see cref="Masked"/>).</summary>
    Compact,
    /// <summary>M full-size networks with the mask applied in every forward pass (the reference; no compute saved).</summary>
    Masked,
}
