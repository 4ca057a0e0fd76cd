namespace SubnetNotebooks.Models;

/// <summary>
/// A set of prunable units that share one mask: the hidden units of a linear layer, the output channels of a
/// convolution, or a residual stream (every convolution and BatchNorm writing into one residual addition).
/// </summary>
/// <param name="Name">group name, unique within the model, e.g. "fc1", "conv2", "stage3", "stage3_0.mid"</param>
/// <param name="Units">number of units (features or channels)</param>
/// <param name="Layers">paths of the masked layers whose output units this group masks, in forward order</param>
public sealed record UnitGroup(string Name, int Units, IReadOnlyList<string> Layers);
