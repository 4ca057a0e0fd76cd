using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// Havasi et al. 2021: M inputs and M heads in one network of the given family (<see cref="MimoNetwork"/>).
/// </summary>
/// <param name="spec">the body's family and widths (its input has M times the channels, its head M times the classes)</param>
/// <param name="channels">image channels</param>
/// <param name="height">image height</param>
/// <param name="width">image width</param>
/// <param name="classes">classes</param>
/// <param name="options">training options</param>
/// <param name="members">M</param>
/// <param name="seed">seed of the initial weights</param>
/// <param name="inputRepetition">ρ: share of each batch all members see in the same order (0 in the paper's CIFAR runs)</param>
/// <param name="batchRepetition">times each batch is repeated (4 in the paper's CIFAR runs)</param>
public sealed class Mimo(ModelSpec spec, int channels, int height, int width, int classes, TrainingOptions options, int members, long seed,
    double inputRepetition = 0, int batchRepetition = 1) : JointEnsemble(options, members, seed)
{
    /// <inheritdoc/>
    public override string Method => "mimo";
    /// <inheritdoc/>
    protected override EnsembleNetwork Build() =>
        MimoNetwork.Create(spec with { Dropout = 0 }, channels, height, width, classes, Members, inputRepetition, batchRepetition);
}
