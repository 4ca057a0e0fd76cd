using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>Whether a dataset's uint8 pixels are copied once onto the training device.</summary>
public enum DeviceDataMode
{
    /// <summary>On the device when the pixels fit in <see cref="PipelineOptions.DeviceDataLimitBytes"/>, else gathered on the CPU per batch.</summary>
    Auto,
    /// <summary>Always on the device, whatever its size.</summary>
    On,
    /// <summary>Never: every batch is gathered on the CPU and copied to the device as uint8.</summary>
    Off,
}

/// <summary>
/// How <see cref="BatchIterator"/> prepares batches: where the dataset lives and how many batches are prepared ahead
/// on a background thread. Neither changes the batches: the same seed gives the same batches with any options.
/// </summary>
public sealed record PipelineOptions
{
    /// <summary>Where the dataset's pixels live (on the CPU the device copy is the dataset itself: no copy is made).</summary>
    public DeviceDataMode DeviceData { get; init; } = DeviceDataMode.Auto;
    /// <summary>Largest dataset (pixels plus labels, bytes) that <see cref="DeviceDataMode.Auto"/> copies onto the device: 2 GiB, so CIFAR (150 MB), CUB-200 and Tiny-ImageNet fit.</summary>
    public long DeviceDataLimitBytes { get; init; } = 2L << 30;
    /// <summary>Batches prepared ahead on a background thread: -1 auto (1 on an accelerator, 0 on the CPU), 0 none, 1 or 2.</summary>
    public int Prefetch { get; init; } = -1;

    /// <summary>The defaults: device data when it fits, prefetch on accelerators.</summary>
    public static PipelineOptions Default { get; } = new();

    /// <summary>Batches prepared ahead on <paramref name="device"/> (auto resolved): 0, 1 or 2.</summary>
    public int PrefetchOn(Device device) => Prefetch >= 0 ? Prefetch : device.type == DeviceType.CPU ? 0 : 1;

    /// <summary>True when batches of <paramref name="data"/> are gathered on the training device from its copy there (<see cref="ImageDataset.On"/>), false when they are gathered on the CPU and copied.</summary>
    public bool KeepsOnDevice(ImageDataset data) => DeviceData switch
    {
        DeviceDataMode.On => true,
        DeviceDataMode.Off => false,
        _ => data.Bytes <= DeviceDataLimitBytes,
    };

    /// <summary>Throws an error naming the option and the fix for options no run can use.</summary>
    public void Validate()
    {
        if (Prefetch is < -1 or > 2)
            throw new ArgumentOutOfRangeException(nameof(Prefetch), Prefetch, "prefetch must be -1 (auto), 0 (off), 1 or 2 batches ahead (--set prefetch=1).");
        if (DeviceDataLimitBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(DeviceDataLimitBytes), DeviceDataLimitBytes, "the device-data limit must be >= 0 bytes (--set deviceDataLimitMb=2048).");
    }
}
