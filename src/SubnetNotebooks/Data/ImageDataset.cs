using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// An in-memory labelled image set: raw pixels as bytes (so CIFAR-scale sets stay small) and
/// integer labels. Normalisation and augmentation happen per batch (see <see cref="BatchIterator"/>).
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <param name="name">dataset and split, e.g. "fashion-mnist/train"</param>
    /// <param name="pixels">uint8 [N, C, H, W]</param>
    /// <param name="labels">int64 [N], each in [0, classes)</param>
    /// <param name="classes">number of classes</param>
    /// <param name="classNames">optional names, one per class</param>
    public ImageDataset(string name, Tensor pixels, Tensor labels, int classes, IReadOnlyList<string>? classNames = null)
    {
        if (pixels.dim() != 4 || pixels.dtype != ScalarType.Byte)
            throw new ArgumentException($"{name}: pixels must be uint8 [N, C, H, W]; got {pixels.dtype} [{string.Join(", ", pixels.shape)}].");
        if (labels.dim() != 1 || labels.shape[0] != pixels.shape[0])
            throw new ArgumentException($"{name}: labels must be [N] with N = {pixels.shape[0]}; got [{string.Join(", ", labels.shape)}].");
        Name = name;
        Pixels = pixels;
        Labels = labels.to_type(ScalarType.Int64);
        Classes = classes;
        ClassNames = classNames ?? Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray();
    }

    /// <summary>Dataset and split, e.g. "fashion-mnist/train".</summary>
    public string Name { get; }
    /// <summary>uint8 [N, C, H, W].</summary>
    public Tensor Pixels { get; }
    /// <summary>int64 [N].</summary>
    public Tensor Labels { get; }
    /// <summary>Number of classes; every label is in [0, Classes).</summary>
    public int Classes { get; }
    /// <summary>One name per class, indexed by label ("0", "1", ... when none were given).</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Number of samples N.</summary>
    public int Count => (int)Pixels.shape[0];
    /// <summary>Channels C of every image (1: grey, 3: RGB).</summary>
    public int Channels => (int)Pixels.shape[1];
    /// <summary>Image height H in pixels.</summary>
    public int Height => (int)Pixels.shape[2];
    /// <summary>Image width W in pixels.</summary>
    public int Width => (int)Pixels.shape[3];
    /// <summary>Bytes of the pixels and labels.</summary>
    public long Bytes => Pixels.numel() + 8 * Labels.numel();

    readonly Dictionary<string, (Tensor Pixels, Tensor Labels)> _copies = new();

    /// <summary>
    /// The pixels (uint8 [N, C, H, W]) and labels (int64 [N]) on <paramref name="device"/>: the dataset's own tensors on
    /// the CPU, else one copy per device, made on first use (thread-safe) and kept until the dataset is disposed.
    /// </summary>
    public (Tensor Pixels, Tensor Labels) On(Device device)
    {
        if (device.type == DeviceType.CPU && Pixels.device_type == DeviceType.CPU) return (Pixels, Labels);
        lock (_copies)
        {
            var key = device.ToString();
            if (!_copies.TryGetValue(key, out var copy))
            {
                copy = (Pixels.to(device).DetachFromDisposeScope(), Labels.to(device).DetachFromDisposeScope());
                _copies[key] = copy;
            }
            return copy;
        }
    }

    /// <summary>The samples at <paramref name="indices"/>, as a new dataset (copies).</summary>
    public ImageDataset Subset(long[] indices, string? name = null)
    {
        using var idx = tensor(indices, ScalarType.Int64);
        return new ImageDataset(name ?? Name, Pixels.index_select(0, idx), Labels.index_select(0, idx), Classes, ClassNames);
    }

    /// <summary>The first <paramref name="count"/> samples (all when count is larger).</summary>
    public ImageDataset Take(int count) =>
        count >= Count ? Subset(Enumerable.Range(0, Count).Select(i => (long)i).ToArray())
                       : Subset(Enumerable.Range(0, count).Select(i => (long)i).ToArray());

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_copies)
        {
            foreach (var (pixels, labels) in _copies.Values) { pixels.Dispose(); labels.Dispose(); }
            _copies.Clear();
        }
        Pixels.Dispose();
        Labels.Dispose();
    }
}
