using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Data;

/// <summary>
/// Turns sample indices into a normalised batch on one device with batched tensor ops: gather by index (from the
/// device-resident copy of the dataset when it is kept there, else on the CPU and copied as uint8), augmentation
/// (on the uint8 pixels when it only moves pixels, else on [0, 1] floats), then per-channel normalisation.
/// </summary>
public sealed class BatchPipeline : IDisposable
{
    readonly ImageDataset _data;
    readonly IBatchAugmentation? _augment;
    readonly Device _device;
    readonly Tensor _scale, _shift, _mean, _std;

    /// <param name="data">the samples</param>
    /// <param name="normalization">per-channel mean and std of pixels in [0, 1]</param>
    /// <param name="augment">optional augmentation</param>
    /// <param name="device">where batches are made and returned</param>
    /// <param name="options">whether the dataset is kept on the device</param>
    public BatchPipeline(ImageDataset data, Normalization normalization, IBatchAugmentation? augment, Device device, PipelineOptions options)
    {
        _data = data;
        _augment = augment;
        _device = device;
        OnDevice = options.KeepsOnDevice(data);
        using var scope = NewDisposeScope();
        var mean = tensor(normalization.Mean).reshape(1, -1, 1, 1);
        var std = tensor(normalization.Std).reshape(1, -1, 1, 1);
        // Bytes to normalised floats in one multiply and one add: (x / 255 - mean) / std = x * scale + shift.
        _scale = std.mul(OwnedScalars.Of(255f)).reciprocal().to(device).DetachFromDisposeScope();
        _shift = mean.div(std).neg().to(device).DetachFromDisposeScope();
        _mean = mean.to(device).DetachFromDisposeScope();
        _std = std.to(device).DetachFromDisposeScope();
    }

    /// <summary>True when batches are gathered from the dataset's copy on the device (on the CPU: the dataset itself), false when gathered on the CPU and copied as uint8.</summary>
    public bool OnDevice { get; }

    /// <summary>The batch of the samples at <paramref name="indices"/>; only the returned pair joins the caller's dispose scope.</summary>
    /// <param name="indices">sample indices, in batch order</param>
    /// <param name="generator">seeded CPU generator of the augmentation</param>
    /// <returns>images float32 [B, C, H', W'] normalised and labels int64 [B], on the pipeline's device</returns>
    public (Tensor Images, Tensor Labels) Batch(long[] indices, Generator generator)
    {
        using var scope = NewDisposeScope();
        var idx = tensor(indices, ScalarType.Int64);
        Tensor pixels, labels;
        if (OnDevice)
        {
            var (allPixels, allLabels) = _data.On(_device);
            idx = idx.to(_device);
            (pixels, labels) = (allPixels.index_select(0, idx), allLabels.index_select(0, idx));
        }
        else
            (pixels, labels) = (_data.Pixels.index_select(0, idx).to(_device), _data.Labels.index_select(0, idx).to(_device));
        Tensor images;
        if (_augment is null || _augment.MovesPixelsOnly)
        {
            if (_augment is not null) pixels = _augment.Apply(pixels, generator);
            images = pixels.to_type(ScalarType.Float32).mul_(_scale).add_(_shift, OwnedScalars.One);
        }
        else
            images = _augment.Apply(pixels.to_type(ScalarType.Float32).div_(OwnedScalars.Of(255f)), generator).sub_(_mean).div_(_std);
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _scale.Dispose(); _shift.Dispose(); _mean.Dispose(); _std.Dispose();
    }
}
