using SubnetNotebooks.Data;
using SubnetNotebooks.Training;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// The data of one experiment: training and validation splits (seeded), the test split and, when
/// configured, an out-of-distribution test set prepared with the in-distribution normalisation.
/// </summary>
public sealed class ExperimentData : IDisposable
{
    ExperimentData(ImageDataset train, ImageDataset validation, ImageDataset test, ImageDataset? ood, Normalization normalization, DatasetInfo info,
        IBatchAugmentation? augmentation)
    {
        Train = train; Validation = validation; Test = test; Ood = ood; Normalization = normalization; Info = info; Augmentation = augmentation;
    }

    /// <summary>Training samples: the dataset's training split less the validation samples, trimmed to trainSamples when set (seeded, class-stratified).</summary>
    public ImageDataset Train { get; }
    /// <summary>Samples held out from the training split (validationSamples, seeded) for temperature scaling and per-epoch validation; centre-cropped when cropSize is set.</summary>
    public ImageDataset Validation { get; }
    /// <summary>The test split, trimmed to testSamples when set (seeded, class-stratified); centre-cropped when cropSize is set.</summary>
    public ImageDataset Test { get; }
    /// <summary>Out-of-distribution test images, shaped like the in-distribution ones (null when none is configured).</summary>
    public ImageDataset? Ood { get; }
    /// <summary>The dataset's per-channel mean and std, applied to every split and to the OOD images.</summary>
    public Normalization Normalization { get; }
    /// <summary>The dataset with <see cref="DatasetInfo.ImageSize"/> the side the networks see (the crop side when cropped).</summary>
    public DatasetInfo Info { get; }
    /// <summary>Training-time augmentation (null: none).</summary>
    public IBatchAugmentation? Augmentation { get; }

    /// <summary>
    /// Loads the configured dataset, holds out the validation samples (seeded), and trims the train, test and OOD
    /// splits to the configured sizes with seeded, class-stratified subsets (class-ordered files keep every class).
    /// With <see cref="ExperimentConfig.CropSize"/> the evaluation images are centre-cropped once, here, and
    /// <see cref="Info"/> gives the crop side: the side the networks are built for.
    /// </summary>
    public static ExperimentData Load(ExperimentConfig config)
    {
        var options = new DatasetLoadOptions { ImageSize = config.ImageSize, OfficialSizes = config.OfficialSizes };
        var dataDir = string.IsNullOrEmpty(config.DataDir) ? null : config.DataDir;
        using var splits = DatasetCatalog.Load(config.Dataset, dataDir, options);
        var (train, validation) = DatasetSplit.TrainValidation(splits.Train, config.ValidationSamples, config.Seed);
        if (config.TrainSamples > 0 && config.TrainSamples < train.Count)
            train = Replace(train, DatasetSplit.Stratified(train, config.TrainSamples, config.Seed));
        var test = DatasetSplit.Stratified(splits.Test, config.TestSamples > 0 ? config.TestSamples : splits.Test.Count, config.Seed);
        var info = splits.Info;
        if (config.CropSize > 0 && config.CropSize < test.Height)
        {
            validation = Replace(validation, CentreCrop(validation, config.CropSize));
            test = Replace(test, CentreCrop(test, config.CropSize));
            info = info with { ImageSize = config.CropSize };
        }
        ImageDataset? ood = null;
        if (!string.IsNullOrEmpty(config.OodDataset))
        {
            using var oodSplits = DatasetCatalog.Load(config.OodDataset, dataDir, options);
            ood = OodImages(oodSplits.Test, test, config.TestSamples > 0 ? config.TestSamples : oodSplits.Test.Count, config.Seed);
        }
        return new ExperimentData(train, validation, test, ood, splits.Normalization, info, TrainingAugmentation(config, splits.Info));
    }

    /// <summary>The augmentation of the training batches: none, the dataset's usual one, or the configured kind.</summary>
    /// <param name="config">Augment, Augmentation and CropSize</param>
    /// <param name="stored">the dataset as loaded (side <see cref="DatasetInfo.ImageSize"/>)</param>
    public static IBatchAugmentation? TrainingAugmentation(ExperimentConfig config, DatasetInfo stored)
    {
        if (!config.Augment) return null;
        int side = config.CropSize > 0 ? config.CropSize : stored.ImageSize;
        return config.Augmentation switch
        {
            "crop-flip" => new RandomCropFlip(side, padding: 4),
            "random-resized-crop-flip" => new RandomResizedCropFlip(side),
            _ => config.CropSize > 0 ? new RandomResizedCropFlip(side) : DatasetTransforms.Training(stored),
        };
    }

    static ImageDataset Replace(ImageDataset old, ImageDataset replacement)
    {
        old.Dispose();
        return replacement;
    }

    /// <summary>The centre <paramref name="crop"/> x <paramref name="crop"/> of every image (a copy, uint8 [N, C, crop, crop]).</summary>
    static ImageDataset CentreCrop(ImageDataset data, int crop)
    {
        using var rows = data.Pixels.narrow(2, (data.Height - crop) / 2, crop);
        using var square = rows.narrow(3, (data.Width - crop) / 2, crop);
        return new ImageDataset(data.Name, square.contiguous().clone(), data.Labels.clone(), data.Classes, data.ClassNames);
    }

    /// <summary>A seeded, class-stratified subset of <paramref name="count"/> OOD test images, with channels and side matched to the in-distribution images.</summary>
    static ImageDataset OodImages(ImageDataset ood, ImageDataset like, int count, long seed)
    {
        var taken = DatasetSplit.Stratified(ood, count, seed);
        if (taken.Channels == like.Channels && taken.Height == like.Height && taken.Width == like.Width) return taken;
        using (taken)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var x = taken.Pixels.to_type(TorchSharp.torch.ScalarType.Float32);
            if (x.shape[1] != like.Channels) x = like.Channels == 1 ? x.mean([1L], keepdim: true) : x.expand(-1, like.Channels, -1, -1);
            if (x.shape[2] != like.Height || x.shape[3] != like.Width)
                x = TorchSharp.torch.nn.functional.interpolate(x, [like.Height, like.Width], mode: TorchSharp.torch.InterpolationMode.Bilinear, align_corners: false);
            var pixels = x.round().clamp(OwnedScalars.Of(0), OwnedScalars.Of(255)).to_type(TorchSharp.torch.ScalarType.Byte).contiguous().MoveToOuterDisposeScope();
            return new ImageDataset(taken.Name, pixels, taken.Labels.clone().MoveToOuterDisposeScope(), taken.Classes, taken.ClassNames);
        }
    }

    /// <summary>Shuffled, seeded training batches (with the dataset's augmentation when configured).</summary>
    public BatchIterator TrainBatches(ExperimentConfig config, long seed) =>
        new(Train, config.BatchSize, Normalization, shuffle: true, seed: seed, augment: Augmentation, pipeline: Pipeline(config));

    /// <summary>
    /// Ordered evaluation batches over <paramref name="data"/>: with the dataset's evaluation crop when augmentation is
    /// configured and no <see cref="ExperimentConfig.CropSize"/> was set (with a crop size the evaluation images were
    /// centre-cropped when loaded).
    /// </summary>
    public BatchIterator EvaluationBatches(ImageDataset data, ExperimentConfig config) =>
        new(data, Math.Max(config.BatchSize, 256), Normalization,
            augment: config.Augment && config.CropSize == 0 ? DatasetTransforms.Evaluation(Info) : null,
            pipeline: Pipeline(config));

    /// <summary>Batches of the validation split for per-epoch validation when <paramref name="observer"/> wants it and the split is not empty; else null.</summary>
    public BatchIterator? ValidationFor(ITrainingObserver? observer, ExperimentConfig config) =>
        observer is { WantsValidation: true } && Validation.Count > 0 ? EvaluationBatches(Validation, config) : null;

    /// <summary>The batch pipeline's options of <paramref name="config"/>: device data and prefetch.</summary>
    public static PipelineOptions Pipeline(ExperimentConfig config) => new()
    {
        DeviceData = config.DeviceData, DeviceDataLimitBytes = (long)config.DeviceDataLimitMb << 20, Prefetch = config.Prefetch,
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        Train.Dispose(); Validation.Dispose(); Test.Dispose(); Ood?.Dispose();
    }
}
