using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// Wen et al. 2020: the recipe's network with shared weights and per-member rank-1 fast weights in every linear and
/// convolution layer (<see cref="BatchEnsembleNetwork"/>); each training batch is split over the members, each test
/// batch is tiled M times. Fast weights start as random signs.
/// </summary>
public sealed class BatchEnsemble(ModelRecipe recipe, TrainingOptions options, int members, long seed) : JointEnsemble(options, members, seed)
{
    /// <inheritdoc/>
    public override string Method => "batchensemble";
    /// <inheritdoc/>
    protected override EnsembleNetwork Build() => new BatchEnsembleNetwork(recipe(Seed, 0), Members, randomSignInit: true, seed: Seed);
}
