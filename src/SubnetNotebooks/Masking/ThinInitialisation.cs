using SubnetNotebooks.Models;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Masking;

/// <summary>
/// Re-initialised subnetworks (inherit = false) start at the scale of a network of their own width: a freshly
/// initialised full-width model under a mask keeps the full layer's scale, 1 / sqrt(fan_in) for PyTorch's default init,
/// while a layer that reads only k of its n input units has fan-in k x kernel area. Scaling the kept weights (and the
/// biases of fan-in layers) by sqrt(n / k) gives exactly the thin layer's initial distribution, uniform or normal alike;
/// for Kaiming fan-out layers the kept output units decide, sqrt(n_out / k_out). BatchNorm (scale 1, shift 0) and
/// layers reading the image input keep their scale. Weight-level (unstructured) masks have no one fan-in per layer and
/// are left at the full layer's scale.
/// </summary>
public static class ThinInitialisation
{
    /// <summary>The factor applied to one layer's weight: sqrt(units / kept units) of the group its init scale follows.</summary>
    public static double Factor(MaskedLayer layer, MaskSet mask)
    {
        if (!layer.IsWeightLayer) return 1;
        var (group, units) = layer.InitialisedByFanOut ? (layer.OutputGroup, layer.OutputUnits) : (layer.InputGroup, layer.InputUnits);
        if (group is null) return 1;
        int kept = mask.KeptUnits(group);
        if (kept == 0) throw new ArgumentException($"The mask keeps none of the {units} units of group '{group}' that layer '{layer.Path}' reads; use fewer members.");
        return Math.Sqrt((double)units / kept);
    }

    /// <summary>Scales every weight layer of <paramref name="model"/> (freshly initialised, full width) to the thin scale of <paramref name="mask"/>.</summary>
    public static void Rescale(PrunableModel model, MaskSet mask)
    {
        mask.Validate(model);
        if (mask.Granularity == MaskGranularity.Weight) return;
        using var _ = no_grad();
        foreach (var layer in model.MaskedLayers)
        {
            double factor = Factor(layer, mask);
            if (factor == 1) continue;
            layer.Weight.mul_(OwnedScalars.Of(factor));
            if (!layer.InitialisedByFanOut) layer.Bias?.mul_(OwnedScalars.Of(factor));
        }
    }
}
