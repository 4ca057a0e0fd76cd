using SubnetNotebooks.Data;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// The data of one experiment: training and validation splits (seeded), the test split and, when
/// configured, an out-of-distribution test set prepared with the in-distribution normalisation.
/// </summary>
public sealed class ExperimentData : IDisposable
{
    ExperimentData(ImageDataset train, ImageDataset validation, ImageDataset test, ImageDataset? ood, Normalization normalization, DatasetInfo info)
    {
        Train = train; Validation = validation; Test = test; Ood = ood; Normalization = normalization; Info = info;
    }

    public ImageDataset Train { get; }
    public ImageDataset Validation { get; }
    public ImageDataset Test { get; }
    /// <summary>Out-of-distribution test images, shaped like the in-distribution ones (null when none is configured).</summary>
    public ImageDataset? Ood { get; }
    public Normalization Normalization { get; }
    public DatasetInfo Info { get; }

    /// <summary>Loads the configured dataset, holds out the validation samples (seeded), and trims splits to the configured sizes.</summary>
    public static ExperimentData Load(ExperimentConfig config)
    {
        var options = new DatasetLoadOptions { ImageSize = config.ImageSize };
        var dataDir = string.IsNullOrEmpty(config.DataDir) ? null : config.DataDir;
        using var splits = DatasetCatalog.Load(config.Dataset, dataDir, options);
        var (train, validation) = DatasetSplit.TrainValidation(splits.Train, config.ValidationSamples, config.Seed);
        if (config.TrainSamples > 0 && config.TrainSamples < train.Count)
        {
            var smaller = train.Take(config.TrainSamples);
            train.Dispose();
            train = smaller;
        }
        var test = splits.Test.Take(config.TestSamples > 0 ? config.TestSamples : splits.Test.Count);
        ImageDataset? ood = null;
        if (!string.IsNullOrEmpty(config.OodDataset))
        {
            using var oodSplits = DatasetCatalog.Load(config.OodDataset, dataDir, options);
            ood = OodImages(oodSplits.Test, test, config.TestSamples > 0 ? config.TestSamples : oodSplits.Test.Count);
        }
        return new ExperimentData(train, validation, test, ood, splits.Normalization, splits.Info);
    }

    /// <summary>The first <paramref name="count"/> OOD test images, with channels matched to the in-distribution images.</summary>
    static ImageDataset OodImages(ImageDataset ood, ImageDataset like, int count)
    {
        var taken = ood.Take(count);
        if (taken.Channels == like.Channels && taken.Height == like.Height && taken.Width == like.Width) return taken;
        using (taken)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var x = taken.Pixels.to_type(TorchSharp.torch.ScalarType.Float32);
            if (x.shape[1] != like.Channels) x = like.Channels == 1 ? x.mean([1L], keepdim: true) : x.expand(-1, like.Channels, -1, -1);
            if (x.shape[2] != like.Height || x.shape[3] != like.Width)
                x = TorchSharp.torch.nn.functional.interpolate(x, [like.Height, like.Width], mode: TorchSharp.torch.InterpolationMode.Bilinear, align_corners: false);
            var pixels = x.round().clamp(0, 255).to_type(TorchSharp.torch.ScalarType.Byte).contiguous().MoveToOuterDisposeScope();
            return new ImageDataset(taken.Name, pixels, taken.Labels.clone().MoveToOuterDisposeScope(), taken.Classes, taken.ClassNames);
        }
    }

    /// <summary>Shuffled, seeded training batches (with the dataset's augmentation when configured).</summary>
    public BatchIterator TrainBatches(ExperimentConfig config, long seed) =>
        new(Train, config.BatchSize, Normalization, shuffle: true, seed: seed, augment: config.Augment ? DatasetTransforms.Training(Info) : null,
            pipeline: Pipeline(config));

    /// <summary>Ordered evaluation batches over <paramref name="data"/> (with the dataset's evaluation crop when augmentation is configured).</summary>
    public BatchIterator EvaluationBatches(ImageDataset data, ExperimentConfig config) =>
        new(data, Math.Max(config.BatchSize, 256), Normalization, augment: config.Augment ? DatasetTransforms.Evaluation(Info) : null,
            pipeline: Pipeline(config));

    /// <summary>The batch pipeline's options of <paramref name="config"/>: device data and prefetch.</summary>
    public static PipelineOptions Pipeline(ExperimentConfig config) => new()
    {
        DeviceData = config.DeviceData, DeviceDataLimitBytes = (long)config.DeviceDataLimitMb << 20, Prefetch = config.Prefetch,
    };

    public void Dispose()
    {
        Train.Dispose(); Validation.Dispose(); Test.Dispose(); Ood?.Dispose();
    }
}
