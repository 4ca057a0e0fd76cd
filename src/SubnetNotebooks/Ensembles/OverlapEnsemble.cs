using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// The overlap axis: M fixed unit masks from <see cref="OverlapMasks"/> (overlap 0: disjoint subnetworks covering the
/// network; 1: independent dropout-like masks of keep rate 1/M) over one network of the recipe's family, trained
/// jointly Masksembles-style: one network from scratch, each batch split over the masks, so units kept by several
/// members share their parameters. Sweeping the overlap trades diversity against parameter sharing at a fixed
/// per-member width of about 1/M.
/// </summary>
public sealed class OverlapEnsemble(ModelRecipe recipe, TrainingOptions options, int members, long seed, double overlap) : JointEnsemble(options, members, seed)
{
    public override string Method => "overlap";
    /// <summary>Overlap t in [0, 1].</summary>
    public double Overlap => overlap;

    protected override EnsembleNetwork Build()
    {
        var model = recipe(Seed, 0);
        try { return new MaskedMembersNetwork(model, OverlapMasks.ForModel(model, Members, overlap, Seed)); }
        catch { model.Dispose(); throw; }
    }
}
