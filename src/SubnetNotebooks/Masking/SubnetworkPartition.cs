using SubnetNotebooks.Models;

namespace SubnetNotebooks.Masking;

/// <summary>
/// A split of one model into <see cref="Members"/> non-overlapping subnetworks: the owning member of every unit
/// (unit granularity) or of every weight (weight granularity, where every unit stays in every member).
/// </summary>
public sealed class SubnetworkPartition
{
    readonly IReadOnlyDictionary<string, int> _groupUnits;
    readonly MaskSet[] _masks;

    /// <summary>Builds a partition from owner indices.</summary>
    /// <param name="members">M</param>
    /// <param name="granularity">what the owners index</param>
    /// <param name="groupUnits">group name to its number of units</param>
    /// <param name="unitOwners">group name to [units] owner in [0, M) (unit granularity)</param>
    /// <param name="weightOwners">layer path to [weights] owner in [0, M) (weight granularity)</param>
    public SubnetworkPartition(int members, MaskGranularity granularity, IReadOnlyDictionary<string, int> groupUnits,
        IReadOnlyDictionary<string, int[]> unitOwners, IReadOnlyDictionary<string, int[]> weightOwners)
    {
        Members = members;
        Granularity = granularity;
        _groupUnits = groupUnits;
        UnitOwners = unitOwners;
        WeightOwners = weightOwners;
        foreach (var (name, owners) in unitOwners.Concat(weightOwners))
            if (owners.Any(o => o < 0 || o >= members))
                throw new ArgumentException($"Owners of '{name}' must lie in [0, {members}); found {owners.First(o => o < 0 || o >= members)}.");
        RequireEveryMemberIn(unitOwners, members, "unit", "units");
        RequireEveryMemberIn(weightOwners, members, "weight", "weights");
        _masks = Enumerable.Range(0, members).Select(Build).ToArray();
    }

    /// <summary>M, the number of subnetworks.</summary>
    public int Members { get; }

    /// <summary>Whether units or single weights were dealt.</summary>
    public MaskGranularity Granularity { get; }

    /// <summary>Group name to [units] owning member (empty at weight granularity).</summary>
    public IReadOnlyDictionary<string, int[]> UnitOwners { get; }

    /// <summary>Layer path to [weights, flattened row-major] owning member (empty at unit granularity).</summary>
    public IReadOnlyDictionary<string, int[]> WeightOwners { get; }

    /// <summary>The mask of subnetwork <paramref name="member"/> (0-based).</summary>
    public MaskSet MaskFor(int member) =>
        member >= 0 && member < Members
            ? _masks[member]
            : throw new ArgumentOutOfRangeException(nameof(member), member, $"Member index must be in [0, {Members}).");

    /// <summary>All M masks in member order.</summary>
    public IReadOnlyList<MaskSet> Masks => _masks;

    /// <summary>[M, M] intersection over union of the members' kept units (weights at weight granularity): 1 on the diagonal, 0 elsewhere.</summary>
    public double[,] PairwiseIoU() => MaskOverlap.PairwiseIoU(_masks, Granularity);

    /// <summary>Units (weights) kept by more than one member: 0 for a partition.</summary>
    public long SharedUnits() => MaskOverlap.SharedByMoreThanOne(_masks, Granularity);

    /// <summary>[M] parameters each subnetwork keeps in <paramref name="model"/>.</summary>
    public long[] ParameterCounts(PrunableModel model) => _masks.Select(m => model.ActiveParameters(m)).ToArray();

    /// <summary>[M] FLOPs per example of each subnetwork in <paramref name="model"/>.</summary>
    public long[] FlopsPerExample(PrunableModel model) => _masks.Select(m => model.FlopsPerExample(m)).ToArray();

    /// <summary>[M] units of <paramref name="group"/> each member keeps.</summary>
    public int[] UnitCounts(string group) => _masks.Select(m => m.KeptUnits(group)).ToArray();

    /// <summary>Fails, naming the layer and the fix, when a member owns nothing of a group (a layer with no unit cuts the subnetwork in two).</summary>
    static void RequireEveryMemberIn(IReadOnlyDictionary<string, int[]> owners, int members, string item, string items)
    {
        foreach (var (name, owner) in owners)
        {
            var owned = new bool[members];
            foreach (var o in owner) owned[o] = true;
            var empty = Array.IndexOf(owned, false);
            if (empty >= 0)
                throw new ArgumentException(
                    $"Subnetwork {empty + 1} of {members} keeps no {item} of layer '{name}' ({owner.Length} {items}): every subnetwork needs at least one " +
                    $"{item} in every layer. Use fewer members (at most {owner.Length}, --members) or a layer at least {members} wide (--set widths=...).");
        }
    }

    MaskSet Build(int member)
    {
        var units = _groupUnits.ToDictionary(g => g.Key, g =>
            UnitOwners.TryGetValue(g.Key, out var owners)
                ? owners.Select(o => o == member).ToArray()
                : Enumerable.Repeat(true, g.Value).ToArray());
        var weights = WeightOwners.ToDictionary(w => w.Key, w => w.Value.Select(o => o == member).ToArray());
        return new MaskSet(units, weights);
    }
}
