namespace SubnetNotebooks.Masking;

/// <summary>
/// Overlap statistics of any set of masks: non-overlapping subnetworks have IoU 0; MC dropout masks and Masksembles
/// overlap. Units are counted over all groups; weights over all layers that carry weight-level masks.
/// </summary>
public static class MaskOverlap
{
    /// <summary>[M, M] number of units (weights) kept by both masks i and j; the diagonal is each mask's size.</summary>
    public static long[,] PairwiseShared(IReadOnlyList<MaskSet> masks, MaskGranularity over = MaskGranularity.Unit)
    {
        var flags = masks.Select(m => Flatten(m, over, masks[0])).ToArray();
        var shared = new long[masks.Count, masks.Count];
        for (var i = 0; i < masks.Count; i++)
            for (var j = i; j < masks.Count; j++)
            {
                long c = 0;
                for (var u = 0; u < flags[i].Length; u++) if (flags[i][u] && flags[j][u]) c++;
                shared[i, j] = shared[j, i] = c;
            }
        return shared;
    }

    /// <summary>[M, M] intersection over union of the kept units (weights) of masks i and j (two empty masks: 1 on the diagonal, 0 off it).</summary>
    public static double[,] PairwiseIoU(IReadOnlyList<MaskSet> masks, MaskGranularity over = MaskGranularity.Unit)
    {
        var shared = PairwiseShared(masks, over);
        var iou = new double[masks.Count, masks.Count];
        for (var i = 0; i < masks.Count; i++)
            for (var j = 0; j < masks.Count; j++)
            {
                var union = shared[i, i] + shared[j, j] - shared[i, j];
                iou[i, j] = union == 0 ? (i == j ? 1.0 : 0.0) : (double)shared[i, j] / union;
            }
        return iou;
    }

    /// <summary>Number of units (weights) kept by two or more of the masks.</summary>
    public static long SharedByMoreThanOne(IReadOnlyList<MaskSet> masks, MaskGranularity over = MaskGranularity.Unit)
    {
        if (masks.Count == 0) return 0;
        var flags = masks.Select(m => Flatten(m, over, masks[0])).ToArray();
        long shared = 0;
        for (var u = 0; u < flags[0].Length; u++)
            if (flags.Count(f => f[u]) > 1) shared++;
        return shared;
    }

    static bool[] Flatten(MaskSet mask, MaskGranularity over, MaskSet reference)
    {
        var source = over == MaskGranularity.Unit ? mask.Units : mask.Weights;
        var keys = (over == MaskGranularity.Unit ? reference.Units : reference.Weights).Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (source.Count != keys.Count || keys.Any(k => !source.ContainsKey(k)))
            throw new ArgumentException(
                $"Masks cover different {(over == MaskGranularity.Unit ? "groups" : "weight layers")} ([{string.Join(", ", source.Keys)}] vs [{string.Join(", ", keys)}]); " +
                "compare masks made for the same model.");
        return keys.SelectMany(k => source[k]).ToArray();
    }
}
