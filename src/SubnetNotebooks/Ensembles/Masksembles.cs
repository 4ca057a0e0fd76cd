using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// Durasov et al. 2021: M fixed channel masks (<see cref="MasksemblesMasks"/>, overlap set by the scale) over one
/// network of the recipe's family, trained jointly with each batch split over the masks and used the same way at test
/// time (<see cref="MaskedMembersNetwork"/>).
/// </summary>
public sealed class Masksembles(ModelRecipe recipe, TrainingOptions options, int members, long seed, double scale = 2) : JointEnsemble(options, members, seed)
{
    /// <inheritdoc/>
    public override string Method => "masksembles";
    /// <summary>Scale s in [1, 6]: 1 gives identical masks, larger values less overlap.</summary>
    public double Scale => scale;

    /// <inheritdoc/>
    protected override EnsembleNetwork Build()
    {
        var model = recipe(Seed, 0);
        try { return new MaskedMembersNetwork(model, MasksemblesMasks.ForModel(model, Members, scale, Seed)); }
        catch { model.Dispose(); throw; }
    }
}
