namespace SubnetNotebooks.Masking;

/// <summary>What a subnetwork mask removes: whole units (structured) or single weights (unstructured).</summary>
public enum MaskGranularity
{
    /// <summary>Hidden units of linear layers and output channels of convolutions; a subnetwork can be compacted.</summary>
    Unit,
    /// <summary>Single weights of linear and convolution layers; every unit stays in every subnetwork.</summary>
    Weight,
}
