namespace SubnetNotebooks.Data;

/// <summary>Seeded splits of a dataset into disjoint parts.</summary>
public static class DatasetSplit
{
    /// <summary>
    /// Splits off <paramref name="validationCount"/> samples chosen by a permutation seeded with
    /// <paramref name="seed"/>; the rest (in their original order) is the train part. Same seed, same split.
    /// </summary>
    /// <param name="data">samples, uint8 [N, C, H, W]</param>
    /// <param name="validationCount">samples in the validation part, 0..N</param>
    /// <param name="seed">seed of the permutation</param>
    /// <returns>two new datasets (copies) named "&lt;name&gt;/train" and "&lt;name&gt;/validation"</returns>
    public static (ImageDataset Train, ImageDataset Validation) TrainValidation(ImageDataset data, int validationCount, long seed)
    {
        if (validationCount < 0 || validationCount > data.Count)
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount,
                $"{data.Name}: a validation part of {validationCount} samples does not fit in {data.Count} samples.");
        var order = Enumerable.Range(0, data.Count).Select(i => (long)i).ToArray();
        new Random(unchecked((int)(seed ^ (seed >> 32)) * 31 + 7)).Shuffle(order);
        var validation = order.Take(validationCount).Order().ToArray();
        var train = order.Skip(validationCount).Order().ToArray();
        var baseName = data.Name.Split('/')[0];
        return (data.Subset(train, $"{baseName}/train"), data.Subset(validation, $"{baseName}/validation"));
    }

    /// <summary>As <see cref="TrainValidation(ImageDataset, int, long)"/> with round(<paramref name="validationFraction"/> x N) validation samples.</summary>
    /// <param name="data">samples, uint8 [N, C, H, W]</param>
    /// <param name="validationFraction">share of samples in the validation part, in [0, 1]</param>
    /// <param name="seed">seed of the permutation</param>
    public static (ImageDataset Train, ImageDataset Validation) TrainValidation(ImageDataset data, double validationFraction, long seed)
    {
        if (validationFraction is < 0 or > 1 || double.IsNaN(validationFraction))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be in [0, 1]");
        return TrainValidation(data, (int)Math.Round(validationFraction * data.Count), seed);
    }

    /// <summary>
    /// A seeded, class-stratified random subset of <paramref name="count"/> samples: every class keeps its share of
    /// the data (floor(count x n_c / N) samples, the leftover ones going to the classes with the largest remainders,
    /// ties to the lower class), drawn at random within the class. Same seed, same subset; all samples when count >= N.
    /// </summary>
    /// <param name="data">samples, uint8 [N, C, H, W], in any order (class-ordered files included)</param>
    /// <param name="count">samples to keep, 0..N</param>
    /// <param name="seed">seed of the draw within each class</param>
    /// <returns>a new dataset (copies), samples in their original order</returns>
    public static ImageDataset Stratified(ImageDataset data, int count, long seed) =>
        data.Subset(StratifiedIndices(data.Labels.data<long>().ToArray(), count, seed));

    /// <summary>The indices of <see cref="Stratified(ImageDataset, int, long)"/>, ascending.</summary>
    /// <param name="labels">[N] class of every sample</param>
    /// <param name="count">samples to keep (all when >= N)</param>
    /// <param name="seed">seed of the draw within each class</param>
    public static long[] StratifiedIndices(IReadOnlyList<long> labels, int count, long seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "a subset needs a count >= 0 (0 keeps nothing).");
        int n = labels.Count;
        if (count >= n) return Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        var classes = Enumerable.Range(0, n).GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var quotas = classes.Select(c => (long)count * c.Length / n).Select(q => (int)q).ToArray();
        int left = count - quotas.Sum();
        foreach (var k in Enumerable.Range(0, classes.Length).OrderByDescending(k => (long)count * classes[k].Length % n).ThenBy(k => k).Take(left))
            quotas[k]++;
        var random = new Random(unchecked((int)(seed ^ (seed >> 32)) * 31 + 11));
        var chosen = new List<long>(count);
        for (int k = 0; k < classes.Length; k++)
        {
            var members = classes[k].ToArray();
            random.Shuffle(members);
            chosen.AddRange(members.Take(quotas[k]).Select(i => (long)i));
        }
        return [.. chosen.Order()];
    }
}
