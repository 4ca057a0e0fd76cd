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
    /// <param name="images">float32 [B, C, H, W] in [0, 1] (uint8 pixels when <see cref="MovesPixelsOnly"/>)</param>
    /// <param name="generator">seeded CPU generator owned by the iterator</param>
    /// <returns>[B, C, H', W'] of the input's dtype, on the input's device</returns>
    Tensor Apply(Tensor images, Generator generator);

    /// <summary>
    /// True when the transform only moves, mirrors or zero-pads pixels, so that it commutes with scaling: the pipeline
    /// then applies it to the uint8 pixels before they become floats.
    /// </summary>
    bool MovesPixelsOnly => false;
}

/// <summary>
/// Seeded batching of an <see cref="ImageDataset"/>: the same seed and epoch give the same batches, whatever the
/// <see cref="PipelineOptions"/> (prefetch, device data) and device. A façade over <see cref="BatchPipeline"/> (batched
/// gather, augmentation and normalisation on the device) and <see cref="BatchPrefetcher"/> (the next batches made on
/// a background thread). Yielded tensors belong to the caller's current dispose scope.
/// </summary>
public sealed class BatchIterator
{
    readonly ImageDataset _data;

    /// <param name="data">the samples</param>
    /// <param name="batchSize">samples per batch (the last batch may be smaller unless dropLast)</param>
    /// <param name="normalization">per-channel mean and std</param>
    /// <param name="shuffle">a new seeded permutation every epoch</param>
    /// <param name="seed">seed of the permutation and of the augmentation</param>
    /// <param name="augment">optional training-time augmentation</param>
    /// <param name="dropLast">skip a final batch smaller than batchSize</param>
    /// <param name="pipeline">where the data lives and how many batches are made ahead (null: <see cref="PipelineOptions.Default"/>)</param>
    public BatchIterator(ImageDataset data, int batchSize, Normalization normalization, bool shuffle = false,
        long seed = 0, IBatchAugmentation? augment = null, bool dropLast = false, PipelineOptions? pipeline = null)
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
        Pipeline = pipeline ?? PipelineOptions.Default;
        Pipeline.Validate();
    }

    /// <summary>Samples per batch (the last batch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }
    /// <summary>Per-channel mean and std applied to the pixels scaled to [0, 1].</summary>
    public Normalization Normalization { get; }
    /// <summary>True: a new seeded permutation every epoch; false: the dataset's order.</summary>
    public bool Shuffle { get; }
    /// <summary>Seed of the permutation and of the augmentation.</summary>
    public long Seed { get; }
    /// <summary>Training-time augmentation (null: none).</summary>
    public IBatchAugmentation? Augment { get; }
    /// <summary>True: a final batch smaller than <see cref="BatchSize"/> is skipped.</summary>
    public bool DropLast { get; }
    /// <summary>Where the data lives and how many batches are made ahead.</summary>
    public PipelineOptions Pipeline { get; }
    /// <summary>The samples it batches.</summary>
    public ImageDataset Data => _data;

    /// <summary>The same batching (data, batch size, augmentation, pipeline) with another seed, e.g. one per ensemble member.</summary>
    public BatchIterator WithSeed(long seed) => new(_data, BatchSize, Normalization, Shuffle, seed, Augment, DropLast, Pipeline);

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
    /// <paramref name="device"/> (null: the CPU), made <see cref="PipelineOptions.PrefetchOn"/> batches ahead on a
    /// background thread. Only the yielded pair joins the caller's dispose scope; every intermediate tensor is disposed
    /// before the batch is yielded.
    /// </summary>
    /// <param name="epoch">0-based epoch: seeds the order and the augmentation</param>
    /// <param name="device">where the batches are made and returned</param>
    /// <param name="cancellation">stops a prefetching epoch (throws <see cref="OperationCanceledException"/>)</param>
    public IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch, Device? device = null, CancellationToken cancellation = default)
    {
        var target = device ?? CPU;
        int ahead = Pipeline.PrefetchOn(target);
        var batches = Batches(epoch, target);
        return ahead > 0 ? BatchPrefetcher.Run(batches, ahead, cancellation) : batches;
    }

    /// <summary>Whether batches are gathered from the data's copy on the training device (else on the CPU, then copied).</summary>
    public bool KeepsDataOnDevice => Pipeline.KeepsOnDevice(_data);

    IEnumerable<(Tensor Images, Tensor Labels)> Batches(int epoch, Device device)
    {
        var order = Order(epoch);
        using var generator = new Generator(unchecked((ulong)(Seed * 1_000_003 + epoch + 17)));
        using var pipeline = new BatchPipeline(_data, Normalization, Augment, device, Pipeline);
        int batches = BatchesPerEpoch;
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize, count = Math.Min(BatchSize, order.Length - start);
            yield return pipeline.Batch(order.AsSpan(start, count).ToArray(), generator);
        }
    }
}
