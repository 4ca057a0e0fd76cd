using SubnetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Masking;

/// <summary>
/// The mask of one subnetwork: a keep flag for every unit of every <see cref="UnitGroup"/> of a model and, for
/// unstructured pruning, optional keep flags for every single weight of a linear or convolution layer. Immutable.
/// A unit mask removes the unit's outgoing activations; a layer's effective weight mask is
/// outer(output-unit mask, input-unit mask), AND the weight-level mask when one is given.
/// </summary>
public sealed class MaskSet
{
    readonly Dictionary<string, bool[]> _units;
    readonly Dictionary<string, bool[]> _weights;

    /// <summary>Builds a mask from unit keep flags per group name and optional weight keep flags per layer path.</summary>
    /// <param name="units">group name to [units] keep flags; must name every group of the model it is applied to</param>
    /// <param name="weights">layer path to keep flags over the layer's weight flattened row-major ([out, in, kh, kw] or [out, in])</param>
    public MaskSet(IReadOnlyDictionary<string, bool[]> units, IReadOnlyDictionary<string, bool[]>? weights = null)
    {
        _units = units.ToDictionary(kv => kv.Key, kv => (bool[])kv.Value.Clone());
        _weights = (weights ?? new Dictionary<string, bool[]>()).ToDictionary(kv => kv.Key, kv => (bool[])kv.Value.Clone());
    }

    /// <summary>Keep flags per unit group (group name to [units]).</summary>
    public IReadOnlyDictionary<string, bool[]> Units => _units;

    /// <summary>Weight-level keep flags per layer path (empty for a unit-level mask).</summary>
    public IReadOnlyDictionary<string, bool[]> Weights => _weights;

    /// <summary><see cref="MaskGranularity.Weight"/> when any weight-level mask is present, otherwise <see cref="MaskGranularity.Unit"/>.</summary>
    public MaskGranularity Granularity => _weights.Count > 0 ? MaskGranularity.Weight : MaskGranularity.Unit;

    /// <summary>The keep flags of one group.</summary>
    public bool[] UnitMask(string group) =>
        _units.TryGetValue(group, out var m)
            ? m
            : throw new KeyNotFoundException(
                $"Mask has no unit mask for group '{group}' (it has: {string.Join(", ", _units.Keys)}). " +
                "Build the mask for the same model architecture (Partitioner.Split or MaskSet.Dense on that model).");

    /// <summary>How many units of a group this mask keeps.</summary>
    public int KeptUnits(string group) => UnitMask(group).Count(k => k);

    /// <summary>Indices of the kept units of a group, ascending.</summary>
    public long[] KeptIndices(string group)
    {
        var m = UnitMask(group);
        var kept = new List<long>(m.Length);
        for (var i = 0; i < m.Length; i++) if (m[i]) kept.Add(i);
        return kept.ToArray();
    }

    /// <summary>Weight-level keep flags of a layer, or null when the layer has none.</summary>
    public bool[]? WeightMask(string layerPath) => _weights.TryGetValue(layerPath, out var w) ? w : null;

    /// <summary>Total kept units over all groups.</summary>
    public long KeptUnitsTotal => _units.Values.Sum(m => (long)m.Count(k => k));

    /// <summary>One unit mask set per member from per-group masks: group name to [members][units] keep flags.</summary>
    /// <param name="perGroup">for every unit group, one keep-flag row per member</param>
    /// <param name="members">M</param>
    public static IReadOnlyList<MaskSet> PerMember(IReadOnlyDictionary<string, bool[][]> perGroup, int members) =>
        Enumerable.Range(0, members)
            .Select(k => new MaskSet(perGroup.ToDictionary(g => g.Key, g => g.Value[k])))
            .ToList();

    /// <summary>A mask that keeps every unit of the model (the dense model).</summary>
    public static MaskSet Dense(PrunableModel model) =>
        new(model.UnitGroups.ToDictionary(g => g.Name, g => Enumerable.Repeat(true, g.Units).ToArray()));

    /// <summary>A unit mask from the kept unit indices of each group (groups not listed keep nothing).</summary>
    /// <param name="model">the model whose groups are masked</param>
    /// <param name="kept">group name to the indices of its kept units</param>
    public static MaskSet FromKeptUnits(PrunableModel model, IReadOnlyDictionary<string, int[]> kept)
    {
        var units = new Dictionary<string, bool[]>();
        foreach (var g in model.UnitGroups)
        {
            var m = new bool[g.Units];
            if (kept.TryGetValue(g.Name, out var idx))
                foreach (var i in idx)
                {
                    if (i < 0 || i >= g.Units)
                        throw new ArgumentOutOfRangeException(nameof(kept),
                            $"Unit index {i} is outside group '{g.Name}', which has {g.Units} units (0..{g.Units - 1}). Use indices within the group.");
                    m[i] = true;
                }
            units[g.Name] = m;
        }
        return new MaskSet(units);
    }

    /// <summary>Checks that this mask fits <paramref name="model"/>: every group present with the right length, weight masks sized to their layers.</summary>
    public void Validate(PrunableModel model)
    {
        foreach (var g in model.UnitGroups)
        {
            if (!_units.TryGetValue(g.Name, out var m))
                throw new ArgumentException(
                    $"Mask has no unit mask for group '{g.Name}' ({g.Units} units) of this {model.Spec.Kind} model. " +
                    "Build the mask from the same architecture (Partitioner.Split or MaskSet.Dense on that model).");
            if (m.Length != g.Units)
                throw new ArgumentException(
                    $"Unit mask for group '{g.Name}' has {m.Length} flags; the model's group has {g.Units} units. " +
                    "Build the mask from a model with the same widths.");
        }
        var groups = model.UnitGroups.Select(g => g.Name).ToHashSet();
        foreach (var name in _units.Keys.Where(n => !groups.Contains(n)))
            throw new ArgumentException(
                $"Mask names group '{name}', which this {model.Spec.Kind} model does not have (it has: {string.Join(", ", groups)}). " +
                "Build the mask from the same architecture.");
        var layers = model.MaskedLayers.Where(l => l.IsWeightLayer).ToDictionary(l => l.Path);
        foreach (var (path, w) in _weights)
        {
            if (!layers.TryGetValue(path, out var layer))
                throw new ArgumentException(
                    $"Weight mask names layer '{path}', which is not a linear or convolution layer of this model. " +
                    "Build the weight masks with Partitioner.Split(..., MaskGranularity.Weight, ...) on the same model.");
            if (w.LongLength != layer.Weight.numel())
                throw new ArgumentException(
                    $"Weight mask of layer '{path}' has {w.LongLength} flags; the layer's weight has {layer.Weight.numel()} elements " +
                    $"(shape [{string.Join(", ", layer.Weight.shape)}]). Build the mask from a model with the same widths.");
        }
    }

    /// <summary>A float mask of the units of a group on a device; all ones for a null group (shared inputs or class outputs).</summary>
    /// <returns>[units] float32 of 0 and 1</returns>
    internal Tensor UnitTensor(string? group, long units, Device device)
    {
        if (group is null) return ones(units, dtype: ScalarType.Float32, device: device);
        var m = UnitMask(group);
        return tensor(m, device: device).to(ScalarType.Float32);
    }
}
