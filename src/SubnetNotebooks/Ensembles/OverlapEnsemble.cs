using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The overlap axis: M fixed unit masks from <see cref="OverlapMasks"/> (overlap 0: disjoint subnetworks covering the
/// network; 1: independent dropout-like masks of keep rate 1/M) over one network of the recipe's family, trained from
/// scratch in one run with each batch split over the members. Members are coupled only where their masks overlap
/// (<see cref="MaskedMembersNetwork"/> with separate members): each has its own BatchNorm, whole (scale, shift and
/// statistics over its own examples: shared batch statistics would mix every member's examples, and scale and shift
/// are a few parameters per unit), and its own head bias; the objective is the sum of the
/// members' mean losses, so each member learns at the configured learning rate from its B/M examples of every batch,
/// exactly as a network trained alone on them. At t = 0 no parameter is shared, so the members are M independent
/// subnetworks trained from scratch (not pruned from a trained parent, unlike method subnet); as t grows, the units
/// kept by several members share their weights.
/// </summary>
public sealed class OverlapEnsemble(ModelRecipe recipe, TrainingOptions options, int members, long seed, double overlap) : JointEnsemble(options, members, seed)
{
    /// <inheritdoc/>
    public override string Method => "overlap";
    /// <summary>Overlap t in [0, 1].</summary>
    public double Overlap => overlap;

    /// <inheritdoc/>
    protected override EnsembleNetwork Build()
    {
        var model = recipe(Seed, 0);
        try { return new MaskedMembersNetwork(model, OverlapMasks.ForModel(model, Members, overlap, Seed), separateMembers: true); }
        catch { model.Dispose(); throw; }
    }
}
