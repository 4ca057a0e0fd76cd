using SubnetNotebooks.Models;

namespace SubnetNotebooks.Masking;

/// <summary>
/// Masksembles masks (Durasov et al. 2021, supplementary material): M binary masks over a layer's units, each keeping
/// the same number of units m, drawn as m random positions out of m·s; positions that no mask keeps are dropped. The
/// scale s sets the overlap: s = 1 gives M identical masks, larger s less overlap (two masks share about m/s units).
/// As in the reference generator, m is chosen so that the expected width m·s·(1 − (1 − 1/s)^M) equals the layer's
/// width, and s is then refined by bisection within [0.8 s, 1.2 s] until the width is met exactly.
/// </summary>
public static class MasksemblesMasks
{
    /// <summary>Largest scale the generator accepts (as in the reference implementation).</summary>
    public const double MaxScale = 6;

    /// <summary>Units each mask keeps for a layer of <paramref name="units"/> units: floor(units / (s (1 − (1 − 1/s)^M))).</summary>
    public static int OnesPerMask(int units, int members, double scale) =>
        (int)(units / (scale * (1 - Math.Pow(1 - 1 / scale, members))));

    /// <summary>M masks for one layer of <paramref name="units"/> units.</summary>
    /// <param name="units">width of the layer</param>
    /// <param name="members">M</param>
    /// <param name="scale">s in [1, 6]</param>
    /// <param name="rng">random source</param>
    /// <param name="name">layer name used in errors</param>
    /// <returns>[M][units] keep flags: every row keeps <see cref="OnesPerMask"/> units, every unit is kept by some row</returns>
    public static bool[][] Generate(int units, int members, double scale, Random rng, string name = "layer")
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "Masksembles needs at least 1 mask (--set members=4).");
        if (scale is < 1 or > MaxScale || double.IsNaN(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Masksembles scale must lie in [1, {MaxScale}] (1: identical masks); got {scale}. Use e.g. --set masksemblesScale=2.");
        int ones = OnesPerMask(units, members, scale);
        if (ones < 1)
            throw new ArgumentException($"Masksembles: {name} has {units} units, too few for {members} masks at scale {scale}. Use a wider layer or a smaller scale.");
        // In narrow layers the floor in m can leave no scale in [0.8 s, 1.2 s] whose width is exactly the layer's; then m moves by one.
        foreach (var m in new[] { ones, ones + 1, ones - 1 }.Where(m => m >= 1 && m <= units))
            if (Bisect(units, members, scale, m, rng) is { } masks) return masks;
        throw new ArgumentException($"Masksembles could not generate {members} masks of {ones} units spanning exactly the {units} units of {name} at scale {scale}. " +
            "Change the scale (--set masksemblesScale=...) or use a wider layer (the reference implementation needs at least 10 units).");
    }

    static bool[][]? Bisect(int units, int members, double scale, int ones, Random rng)
    {
        double low = Math.Max(1, 0.8 * scale), high = 1.2 * scale;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double mid = (low + high) / 2;
            var masks = FixedWidth(ones, members, mid, rng);
            if (masks is null) continue;
            int width = masks[0].Length;
            if (width == units) return masks;
            if (width > units) high = mid;
            else low = mid;
        }
        return null;
    }

    /// <summary>One Masksembles mask per member for every unit group of <paramref name="model"/>.</summary>
    /// <param name="model">the shared network</param>
    /// <param name="members">M</param>
    /// <param name="scale">s in [1, 6]</param>
    /// <param name="seed">seed of the random positions</param>
    public static IReadOnlyList<MaskSet> ForModel(PrunableModel model, int members, double scale, long seed)
    {
        var rng = new Random(Seeds.Mix(seed, 0x3A5C));
        var perGroup = model.UnitGroups.ToDictionary(g => g.Name, g => Generate(g.Units, members, scale, rng, $"group '{g.Name}'"));
        return MaskSet.PerMember(perGroup, members);
    }

    /// <summary>M masks of m ones among floor(m s) positions, redrawn until the non-empty positions number floor(m s (1 − (1 − 1/s)^M)); null if that fails.</summary>
    static bool[][]? FixedWidth(int ones, int members, double scale, Random rng)
    {
        int expected = (int)(ones * scale * (1 - Math.Pow(1 - 1 / scale, members)));
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            var masks = Draw(ones, members, scale, rng);
            if (masks[0].Length == expected) return masks;
        }
        return null;
    }

    static bool[][] Draw(int ones, int members, double scale, Random rng)
    {
        int positions = Math.Max(ones, (int)(ones * scale));
        var rows = new bool[members][];
        var order = Enumerable.Range(0, positions).ToArray();
        for (int k = 0; k < members; k++)
        {
            rows[k] = new bool[positions];
            for (int i = 0; i < ones; i++)
            {
                int j = rng.Next(i, positions);
                (order[i], order[j]) = (order[j], order[i]);
                rows[k][order[i]] = true;
            }
        }
        var used = Enumerable.Range(0, positions).Where(p => rows.Any(r => r[p])).ToArray();
        return rows.Select(r => used.Select(p => r[p]).ToArray()).ToArray();
    }
}
