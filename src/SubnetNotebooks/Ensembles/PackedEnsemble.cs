using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// Laurent et al. 2023: M members of width α·w/M packed with grouped convolutions into one network
/// (<see cref="PackedNetwork"/>) and trained in one pass.
/// </summary>
/// <param name="spec">family (mlp, smallcnn, resnet18) and base widths w</param>
/// <param name="channels">image channels</param>
/// <param name="height">image height</param>
/// <param name="width">image width</param>
/// <param name="classes">classes</param>
/// <param name="options">training options</param>
/// <param name="members">M</param>
/// <param name="seed">seed of the initial weights</param>
/// <param name="alpha">width factor α (2 in the paper)</param>
/// <param name="gamma">subgroups γ per member (1 or 2 in the paper)</param>
public sealed class PackedEnsemble(ModelSpec spec, int channels, int height, int width, int classes, TrainingOptions options, int members, long seed,
    double alpha = 2, int gamma = 1) : JointEnsemble(options, members, seed)
{
    /// <inheritdoc/>
    public override string Method => "packed";
    /// <inheritdoc/>
    protected override EnsembleNetwork Build() => new PackedNetwork(spec, channels, height, width, classes, Members, alpha, gamma);
}
