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
}
