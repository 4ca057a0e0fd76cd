using SubnetNotebooks.Models;

namespace SubnetNotebooks.Masking;

/// <summary>
/// One family of M unit masks whose overlap runs on a single axis t in [0, 1]. Per group, a random (1 − t) share of
/// the units is dealt round-robin to the members, one owner each (a partition); each remaining unit is kept by each
/// member independently with probability 1/M (dropout-like masks of keep rate 1/M). So t = 0 gives non-overlapping
/// subnetworks that together cover every unit (the paper's split), t = 1 gives independent Bernoulli(1/M) masks (MC
/// dropout with fixed masks), and values between give Masksembles-like partial overlap. Every member keeps about 1/M of
/// each group at every t; the expected pairwise IoU is t / (2M − t). A member that would keep no unit of a group
/// keeps one random unit of it.
/// </summary>
public static class OverlapMasks
{
    /// <summary>Expected intersection over union of two members' masks at overlap <paramref name="overlap"/>: t / (2M − t).</summary>
    public static double ExpectedIoU(int members, double overlap) => overlap / (2.0 * members - overlap);

    /// <summary>M masks over one group of <paramref name="units"/> units.</summary>
    /// <param name="units">width of the group, at least M</param>
    /// <param name="members">M</param>
    /// <param name="overlap">t in [0, 1]</param>
    /// <param name="rng">random source</param>
    /// <param name="name">group name used in errors</param>
    /// <returns>[M][units] keep flags</returns>
    public static bool[][] Generate(int units, int members, double overlap, Random rng, string name = "group")
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "Overlap masks need at least 1 member (--set members=4).");
        if (overlap is < 0 or > 1 || double.IsNaN(overlap))
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"Overlap must lie in [0, 1] (0: partition, 1: independent dropout masks); got {overlap}. Use e.g. --set overlap=0.5.");
        if (units < members)
            throw new ArgumentException($"{name} has {units} units, fewer than the {members} members: every member needs at least one unit. Use wider layers or fewer members.");
        var rows = Enumerable.Range(0, members).Select(_ => new bool[units]).ToArray();
        var order = Enumerable.Range(0, units).ToArray();
        rng.Shuffle(order);
        int owned = (int)Math.Round((1 - overlap) * units);
        for (int r = 0; r < units; r++)
        {
            if (r < owned) rows[r % members][order[r]] = true;
            else for (int k = 0; k < members; k++) rows[k][order[r]] = rng.NextDouble() < 1.0 / members;
        }
        foreach (var row in rows.Where(row => !row.Any(f => f)))
            row[rng.Next(units)] = true;
        return rows;
    }

    /// <summary>M masks over every unit group of <paramref name="model"/>.</summary>
    /// <param name="model">the network the masks are for</param>
    /// <param name="members">M</param>
    /// <param name="overlap">t in [0, 1]: 0 partition, 1 independent Bernoulli(1/M) masks</param>
    /// <param name="seed">seed of the random deal and draws</param>
    public static IReadOnlyList<MaskSet> ForModel(PrunableModel model, int members, double overlap, long seed)
    {
        var rng = new Random(Seeds.Mix(seed, 0x0E7A));
        var perGroup = model.UnitGroups.ToDictionary(g => g.Name, g => Generate(g.Units, members, overlap, rng, $"group '{g.Name}'"));
        return MaskSet.PerMember(perGroup, members);
    }

    /// <summary>Mean over member pairs of the measured unit IoU (0 for a single member).</summary>
    public static double MeanPairwiseIoU(IReadOnlyList<MaskSet> masks)
    {
        if (masks.Count < 2) return 0;
        var iou = MaskOverlap.PairwiseIoU(masks);
        double sum = 0; int pairs = 0;
        for (int i = 0; i < masks.Count; i++)
            for (int j = i + 1; j < masks.Count; j++) { sum += iou[i, j]; pairs++; }
        return sum / pairs;
    }
}
