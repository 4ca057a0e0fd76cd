using SubnetNotebooks.Masking;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M members given by fixed unit masks over one shared <see cref="PrunableModel"/> (Masksembles, or masks from
/// <see cref="OverlapMasks"/>), trained jointly: member k zeroes the units its mask drops. Masks act where the paper's
/// Masksembles layer sits, after normalisation: on the outputs of the BatchNorm layers of a group, or of its linear and
/// convolution layers when the group has no BatchNorm. In evaluation every member therefore equals the shared model
/// with its mask applied, and its cost is that subnetwork's.
/// </summary>
public sealed class MaskedMembersNetwork : SharedWeightsNetwork
{
    readonly MaskSet[] _masks;
    readonly Dictionary<string, string> _tables = [];

    /// <summary>Wraps <paramref name="shared"/> (which this network owns) with one unit mask per member.</summary>
    /// <param name="shared">the shared network</param>
    /// <param name="masks">M unit-level masks over the groups of <paramref name="shared"/></param>
    public MaskedMembersNetwork(PrunableModel shared, IReadOnlyList<MaskSet> masks)
        : base(nameof(MaskedMembersNetwork), shared, masks.Count)
    {
        foreach (var m in masks)
        {
            m.Validate(shared);
            if (m.Granularity != MaskGranularity.Unit)
                throw new ArgumentException("Masked members need unit-level masks (one flag per unit of every group); weight-level masks cannot act on activations.");
        }
        _masks = [.. masks];
        int index = 0;
        foreach (var group in shared.UnitGroups)
        {
            var flags = masks.SelectMany(m => m.UnitMask(group.Name)).ToArray();
            var table = tensor(flags).to(ScalarType.Float32).reshape(masks.Count, group.Units);
            register_buffer($"mask{index}", table);
            _tables[group.Name] = $"mask{index++}";
        }
        var layers = shared.MaskedLayers.Where(l => l.OutputGroup is not null).ToList();
        foreach (var layer in layers)
        {
            bool groupHasNorm = layers.Any(l => l.OutputGroup == layer.OutputGroup && !l.IsWeightLayer);
            if (layer.IsWeightLayer && groupHasNorm) continue;
            var buffer = _tables[layer.OutputGroup!];
            // Looked up by name at every call: moving the network to a device replaces the buffer tensors.
            layer.register_forward_hook((_, _, output) => Member is null ? output : output * PerExample(get_buffer(buffer)!, output));
        }
        register_module("shared", shared);
    }

    /// <summary>The members' masks, in member order.</summary>
    public IReadOnlyList<MaskSet> Masks => _masks;

    /// <summary>The mask keeping every unit that at least one member keeps.</summary>
    public MaskSet Union => new(_masks[0].Units.Keys.ToDictionary(g => g, g =>
        Enumerable.Range(0, _masks[0].Units[g].Length).Select(u => _masks.Any(m => m.Units[g][u])).ToArray()));

    /// <summary>Parameters of the units kept by at least one member.</summary>
    public override long Parameters => Shared.ActiveParameters(Union);

    /// <summary>Sum over members of the FLOPs of the shared model under that member's mask.</summary>
    public override long FlopsPerExample => _masks.Sum(m => Shared.FlopsPerExample(m));

    /// <summary>M times the dense shared model's FLOPs: each member's tile of the batch runs the whole network, its mask
    /// multiplying dropped units' outputs by zero, so the masked units cost as much as kept ones.</summary>
    public override long ExecutedFlopsPerExample => Members * Shared.FlopsPerExample(null);
}
