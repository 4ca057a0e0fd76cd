using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Data;

/// <summary>
/// The standard CIFAR augmentation: zero-pad every side by <see cref="Padding"/>, take a random
/// <see cref="Size"/> x <see cref="Size"/> crop per image, and flip it left-right with probability
/// <see cref="FlipProbability"/>. Offsets and flips come from the iterator's seeded generator; the crops of the
/// whole batch are one gather over the padded batch with a computed index grid on the images' device (no per-image
/// loop), exact on uint8 pixels too.
/// </summary>
/// <param name="size">side of the output crop (32 for CIFAR; 224 from 256 for CUB)</param>
/// <param name="padding">zero padding on each side before cropping (4 for CIFAR)</param>
/// <param name="flipProbability">chance of a horizontal flip (0 disables)</param>
public sealed class RandomCropFlip(int size, int padding = 4, double flipProbability = 0.5) : IBatchAugmentation
{
    /// <summary>Side of the output crop.</summary>
    public int Size { get; } = size;
    /// <summary>Zero padding on each side before cropping.</summary>
    public int Padding { get; } = padding;
    /// <summary>Chance of a horizontal flip.</summary>
    public double FlipProbability { get; } = flipProbability;

    /// <summary>Crops and flips only move pixels (padding is zero): the pipeline runs them on the uint8 pixels.</summary>
    public bool MovesPixelsOnly => true;

    /// <param name="images">[B, C, H, W], any dtype, on any device</param>
    /// <param name="generator">seeded CPU generator owned by the iterator: draws B tops, B lefts, then B flips</param>
    /// <returns>[B, C, Size, Size], the dtype and device of <paramref name="images"/></returns>
    public Tensor Apply(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        long b = images.shape[0], h = images.shape[2] + 2 * Padding, w = images.shape[3] + 2 * Padding;
        if (Size > h || Size > w)
            throw new ArgumentException($"RandomCropFlip: crop {Size} is larger than the padded image {h}x{w}; lower the crop size or raise the padding.");
        var tops = randint(0, h - Size + 1, [b], generator: generator);
        var lefts = randint(0, w - Size + 1, [b], generator: generator);
        var flips = rand([b], generator: generator).lt(OwnedScalars.Of(FlipProbability));
        return Crop(images, tops, lefts, flips, Size, Padding).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The given crops of a batch in one gather: image b zero-padded by <paramref name="padding"/>, its window at
    /// (<paramref name="tops"/>[b], <paramref name="lefts"/>[b]) of side <paramref name="size"/>, mirrored left-right
    /// where <paramref name="flips"/>[b].
    /// </summary>
    /// <param name="images">[B, C, H, W], any dtype</param>
    /// <param name="tops">int64 [B], rows in the padded image, 0..H + 2 padding - size</param>
    /// <param name="lefts">int64 [B], columns in the padded image, 0..W + 2 padding - size</param>
    /// <param name="flips">bool [B]</param>
    /// <param name="size">side of the crops</param>
    /// <param name="padding">zeros added on every side first</param>
    /// <returns>[B, C, size, size] on the device of <paramref name="images"/></returns>
    public static Tensor Crop(Tensor images, Tensor tops, Tensor lefts, Tensor flips, int size, int padding)
    {
        using var scope = NewDisposeScope();
        var device = images.device;
        var padded = padding > 0 ? nn.functional.pad(images, [padding, padding, padding, padding]) : images;
        long b = images.shape[0], c = images.shape[1], height = padded.shape[2], width = padded.shape[3];
        // Source pixel of output (i, j) of image b: row tops[b] + i, column lefts[b] + j (size - 1 - j when flipped).
        var steps = OwnedScalars.Arange(size, device);
        var rows = tops.to(device).unsqueeze(1).add(steps, OwnedScalars.One);
        var cols = lefts.to(device).unsqueeze(1).add(where(flips.to(device).unsqueeze(1), steps.flip(0), steps), OwnedScalars.One);
        var source = rows.unsqueeze(2).mul(OwnedScalars.Of(width)).add(cols.unsqueeze(1), OwnedScalars.One).reshape(b, 1, size * size).expand(b, c, size * size);
        return padded.reshape(b, c, height * width).gather(2, source).reshape(b, c, size, size).MoveToOuterDisposeScope();
    }
}
