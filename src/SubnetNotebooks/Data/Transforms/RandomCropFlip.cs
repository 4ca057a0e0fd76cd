using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// The standard CIFAR augmentation: zero-pad every side by <see cref="Padding"/>, take a random
/// <see cref="Size"/> x <see cref="Size"/> crop per image, and flip it left-right with probability
/// <see cref="FlipProbability"/>. Offsets and flips come from the iterator's seeded generator.
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

    /// <param name="images">float32 [B, C, H, W]</param>
    /// <param name="generator">seeded generator owned by the iterator</param>
    /// <returns>float32 [B, C, Size, Size]</returns>
    public Tensor Apply(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        long b = images.shape[0], h = images.shape[2] + 2 * Padding, w = images.shape[3] + 2 * Padding;
        if (Size > h || Size > w)
            throw new ArgumentException($"RandomCropFlip: crop {Size} is larger than the padded image {h}x{w}.");
        var padded = Padding > 0 ? nn.functional.pad(images, new long[] { Padding, Padding, Padding, Padding }) : images;
        var tops = randint(0, h - Size + 1, new long[] { b }, generator: generator).data<long>().ToArray();
        var lefts = randint(0, w - Size + 1, new long[] { b }, generator: generator).data<long>().ToArray();
        var flips = rand(new long[] { b }, generator: generator).data<float>().ToArray();
        var crops = new Tensor[b];
        for (int i = 0; i < b; i++)
        {
            var crop = padded[i].narrow(1, tops[i], Size).narrow(2, lefts[i], Size);
            crops[i] = flips[i] < FlipProbability ? crop.flip(2) : crop;
        }
        return stack(crops).MoveToOuterDisposeScope();
    }
}
