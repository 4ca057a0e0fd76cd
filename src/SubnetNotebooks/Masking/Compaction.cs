using SubnetNotebooks.Native;
using SubnetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Masking;

/// <summary>
/// Turns a unit-level subnetwork into a thin dense network: every group keeps only its kept units, every layer only
/// the rows (outputs) and columns (inputs) of those units. The thin network's parameter count is the subnetwork's
/// and its logits equal the masked parent's in evaluation mode.
/// </summary>
public static class Compaction
{
    /// <summary>Extracts the subnetwork of <paramref name="mask"/> from <paramref name="model"/> as a thin dense model.</summary>
    /// <param name="model">the parent (dense, or masked with this same mask)</param>
    /// <param name="mask">a unit-level mask that keeps at least one unit of every group</param>
    /// <returns>a new model in evaluation mode on the parent's device</returns>
    public static PrunableModel Extract(PrunableModel model, MaskSet mask)
    {
        using var held = HeldTensors.Hold();
        mask.Validate(model);
        if (mask.Granularity == MaskGranularity.Weight)
            throw new ArgumentException(
                "This mask has weight-level (unstructured) masks; compaction removes whole units only. " +
                "Partition with MaskGranularity.Unit to get subnetworks that compact, or keep the masked model.");
        var widths = new Dictionary<string, int>();
        foreach (var g in model.UnitGroups)
        {
            var kept = mask.KeptUnits(g.Name);
            if (kept == 0)
                throw new ArgumentException(
                    $"The mask keeps 0 of the {g.Units} units of group '{g.Name}', so the subnetwork is disconnected and cannot be compacted. " +
                    "Use fewer members than the narrowest group's width.");
            widths[g.Name] = kept;
        }
        var thin = model.WithWidths(widths);
        var device = model.MaskedLayers[0].Weight.device;
        thin.to(device);
        using (var scope = NewDisposeScope())
        {
            var index = model.UnitGroups.ToDictionary(g => g.Name, g => tensor(mask.KeptIndices(g.Name), device: device));
            for (var i = 0; i < model.MaskedLayers.Count; i++)
            {
                var source = model.MaskedLayers[i];
                var target = thin.MaskedLayers[i];
                if (source.Path != target.Path)
                    throw new InvalidOperationException($"Thin model layer {i} is '{target.Path}', expected '{source.Path}'.");
                var outIndex = source.OutputGroup is null ? null : index[source.OutputGroup];
                var inIndex = source.InputGroup is null ? null : index[source.InputGroup];
                source.CopyKeptInto(target, outIndex, source.IsWeightLayer ? inIndex : null);
            }
        }
        thin.eval();
        thin.SetTestTimeDropout(model.TestTimeDropout);
        return thin;
    }
}
