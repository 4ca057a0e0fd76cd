using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>Per-channel normalisation applied to pixels scaled to [0, 1].</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>Mean 0, std 1 for every channel: pixels stay in [0, 1].</summary>
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());
}

/// <summary>A random transform applied to a float batch [B, C, H, W] in [0, 1] before normalisation.</summary>
public interface IBatchAugmentation
{
    /// <param name="images">float32 [B, C, H, W] in [0, 1]</param>
    /// <param name="generator">seeded generator owned by the iterator</param>
    /// <returns>float32 [B, C, H', W']</returns>
    Tensor Apply(Tensor images, Generator generator);
}

/// <summary>
/// Seeded batching of an <see cref="ImageDataset"/>: the same seed and epoch give the same batches.
/// Yielded tensors belong to the caller's current dispose scope.
/// </summary>
public sealed class BatchIterator
{
    readonly ImageDataset _data;
    readonly Tensor _mean, _std;

    /// <param name="data">the samples</param>
    /// <param name="batchSize">samples per batch (the last batch may be smaller unless dropLast)</param>
    /// <param name="normalization">per-channel mean and std</param>
    /// <param name="shuffle">a new seeded permutation every epoch</param>
    /// <param name="seed">seed of the permutation and of the augmentation</param>
    /// <param name="augment">optional training-time augmentation</param>
    /// <param name="dropLast">skip a final batch smaller than batchSize</param>
    public BatchIterator(ImageDataset data, int batchSize, Normalization normalization, bool shuffle = false,
        long seed = 0, IBatchAugmentation? augment = null, bool dropLast = false)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if (normalization.Mean.Length != data.Channels || normalization.Std.Length != data.Channels)
            throw new ArgumentException($"{data.Name}: normalisation has {normalization.Mean.Length} channels, the images {data.Channels}.");
        _data = data;
        BatchSize = batchSize;
        Normalization = normalization;
        Shuffle = shuffle;
        Seed = seed;
        Augment = augment;
        DropLast = dropLast;
        _mean = tensor(normalization.Mean).reshape(1, -1, 1, 1).DetachFromDisposeScope();
        _std = tensor(normalization.Std).reshape(1, -1, 1, 1).DetachFromDisposeScope();
    }

    public int BatchSize { get; }
    public Normalization Normalization { get; }
    public bool Shuffle { get; }
    public long Seed { get; }
    public IBatchAugmentation? Augment { get; }
    public bool DropLast { get; }
    public ImageDataset Data => _data;

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of an epoch: identity without shuffling, else a permutation seeded by (seed, epoch).</summary>
    public long[] Order(int epoch)
    {
        var order = Enumerable.Range(0, _data.Count).Select(i => (long)i).ToArray();
        if (Shuffle) new Random(unchecked((int)(Seed * 1_000_003 + epoch * 7_919))).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The batches of one epoch: images float32 [B, C, H, W] normalised, labels int64 [B], on
    /// <paramref name="device"/>. Only the yielded pair joins the caller's dispose scope; every
    /// intermediate tensor is disposed before the batch is yielded.
    /// </summary>
    public IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch, Device? device = null)
    {
        var order = Order(epoch);
        using var generator = new Generator(unchecked((ulong)(Seed * 1_000_003 + epoch + 17)));
        int batches = BatchesPerEpoch;
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize, count = Math.Min(BatchSize, order.Length - start);
            yield return Batch(order.AsSpan(start, count).ToArray(), generator, device);
        }
    }

    (Tensor Images, Tensor Labels) Batch(long[] indices, Generator generator, Device? device)
    {
        using var scope = NewDisposeScope();
        var idx = tensor(indices, ScalarType.Int64);
        var x = _data.Pixels.index_select(0, idx).to_type(ScalarType.Float32).div_(255f);
        if (Augment is not null) x = Augment.Apply(x, generator);
        x = x.sub_(_mean).div_(_std);
        var y = _data.Labels.index_select(0, idx);
        if (device is not null && device.type != DeviceType.CPU) { x = x.to(device); y = y.to(device); }
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
