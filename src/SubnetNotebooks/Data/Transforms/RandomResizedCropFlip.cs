using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Data;

/// <summary>
/// The ImageNet-style training augmentation (CUB-200, Tiny-ImageNet): per image a random box covering a share of the
/// area in [<see cref="MinScale"/>, <see cref="MaxScale"/>] with aspect ratio in [<see cref="MinRatio"/>,
/// <see cref="MaxRatio"/>] (torchvision's RandomResizedCrop defaults 0.08-1 and 3/4-4/3, its ten tries and centre
/// fallback), resized bilinearly to <see cref="Size"/> x <see cref="Size"/> and flipped left-right with probability
/// <see cref="FlipProbability"/>. Boxes and flips are drawn for the whole batch at once; the resize of every box is one
/// grid_sample on the images' device.
/// </summary>
/// <param name="size">side of the output (224 for CUB-200 at 256, 64 for Tiny-ImageNet)</param>
/// <param name="minScale">smallest share of the image area a box covers</param>
/// <param name="maxScale">largest share</param>
/// <param name="minRatio">smallest width / height of a box</param>
/// <param name="maxRatio">largest width / height</param>
/// <param name="flipProbability">chance of a horizontal flip (0 disables)</param>
public sealed class RandomResizedCropFlip(int size, double minScale = 0.08, double maxScale = 1, double minRatio = 3.0 / 4,
    double maxRatio = 4.0 / 3, double flipProbability = 0.5) : IBatchAugmentation
{
    const int Tries = 10;

    /// <summary>Side of the output.</summary>
    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "RandomResizedCropFlip: the output side must be positive.");
    /// <summary>Smallest share of the image area a box covers.</summary>
    public double MinScale { get; } = minScale > 0 && minScale <= maxScale && maxScale <= 1 ? minScale
        : throw new ArgumentException($"RandomResizedCropFlip: scale range [{minScale}, {maxScale}] must satisfy 0 < min <= max <= 1 (torchvision's default is 0.08-1).");
    /// <summary>Largest share of the image area a box covers.</summary>
    public double MaxScale { get; } = maxScale;
    /// <summary>Smallest width / height of a box.</summary>
    public double MinRatio { get; } = minRatio > 0 && minRatio <= maxRatio ? minRatio
        : throw new ArgumentException($"RandomResizedCropFlip: ratio range [{minRatio}, {maxRatio}] must satisfy 0 < min <= max (torchvision's default is 3/4-4/3).");
    /// <summary>Largest width / height of a box.</summary>
    public double MaxRatio { get; } = maxRatio;
    /// <summary>Chance of a horizontal flip.</summary>
    public double FlipProbability { get; } = flipProbability;

    /// <param name="images">float32 [B, C, H, W]</param>
    /// <param name="generator">seeded CPU generator owned by the iterator: draws the boxes, then B flips</param>
    /// <returns>float32 [B, C, Size, Size]</returns>
    public Tensor Apply(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        var boxes = Boxes(images.shape[2], images.shape[3], images.shape[0], generator);
        var flips = rand([images.shape[0]], generator: generator).lt(OwnedScalars.Of(FlipProbability));
        return Resample(images, boxes, flips, Size).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Random boxes for <paramref name="count"/> images of <paramref name="height"/> x <paramref name="width"/>, as
    /// torchvision draws them: ten (area share, log-ratio) tries per image, the first whose rounded box fits is kept,
    /// its corner uniform over the positions where it fits; an image with no fitting try gets the centre crop with the
    /// ratio clamped to the range.
    /// </summary>
    /// <returns>int64 [count, 4] on the CPU: top, left, height, width in pixels</returns>
    public Tensor Boxes(long height, long width, long count, Generator generator)
    {
        using var scope = NewDisposeScope();
        var area = (double)height * width;
        var share = rand([count, Tries], ScalarType.Float64, generator: generator).mul_(OwnedScalars.Of(MaxScale - MinScale)).add_(OwnedScalars.Of(MinScale), OwnedScalars.One);
        var logRatio = rand([count, Tries], ScalarType.Float64, generator: generator).mul_(OwnedScalars.Of(Math.Log(MaxRatio) - Math.Log(MinRatio))).add_(OwnedScalars.Of(Math.Log(MinRatio)), OwnedScalars.One);
        var ratio = logRatio.exp();
        var w = share.mul(OwnedScalars.Of(area)).mul(ratio).sqrt().round();
        var h = share.mul(OwnedScalars.Of(area)).div(ratio).sqrt().round();
        var fits = w.gt(OwnedScalars.Of(0)).logical_and(w.le(OwnedScalars.Of(width))).logical_and(h.gt(OwnedScalars.Of(0))).logical_and(h.le(OwnedScalars.Of(height)));
        var first = fits.to_type(ScalarType.Int32).argmax(1, keepdim: true);
        var any = fits.any(1);
        var (centreH, centreW) = CentreBox(height, width);
        var boxH = where(any, h.gather(1, first).squeeze(1), tensor((double)centreH));
        var boxW = where(any, w.gather(1, first).squeeze(1), tensor((double)centreW));
        var corner = rand([count, 2], ScalarType.Float64, generator: generator);
        var top = where(any, corner[.., 0].mul(boxH.neg().add(OwnedScalars.Of(height + 1), OwnedScalars.One)).floor(), tensor((double)((height - centreH) / 2)));
        var left = where(any, corner[.., 1].mul(boxW.neg().add(OwnedScalars.Of(width + 1), OwnedScalars.One)).floor(), tensor((double)((width - centreW) / 2)));
        return stack([top, left, boxH, boxW], 1).to_type(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>torchvision's fallback: the whole image when its ratio is in range, else the largest centred box at the nearest ratio.</summary>
    (long Height, long Width) CentreBox(long height, long width)
    {
        double inRatio = (double)width / height;
        if (inRatio < MinRatio) return ((long)Math.Round(width / MinRatio, MidpointRounding.ToEven), width);
        if (inRatio > MaxRatio) return (height, (long)Math.Round(height * MaxRatio, MidpointRounding.ToEven));
        return (height, width);
    }

    /// <summary>
    /// Every box of a batch resized to <paramref name="size"/> x <paramref name="size"/> in one grid_sample: output pixel
    /// (i, j) of image b reads the bilinear value at row top + clamp((i + 0.5) height / size - 0.5, 0, height - 1) and
    /// the same for columns (half-pixel centres, edges clamped to the box, as resizing the cropped box does; no
    /// antialiasing), columns mirrored where <paramref name="flips"/>[b].
    /// </summary>
    /// <param name="images">float32 [B, C, H, W]</param>
    /// <param name="boxes">int64 [B, 4]: top, left, height, width in pixels, inside the image</param>
    /// <param name="flips">bool [B]</param>
    /// <param name="size">side of the output</param>
    /// <returns>float32 [B, C, size, size] on the device of <paramref name="images"/></returns>
    public static Tensor Resample(Tensor images, Tensor boxes, Tensor flips, int size)
    {
        using var scope = NewDisposeScope();
        var device = images.device;
        long b = images.shape[0], height = images.shape[2], width = images.shape[3];
        var box = boxes.to(ScalarType.Float32, device);
        var centres = OwnedScalars.Arange(size, device, ScalarType.Float32).add_(OwnedScalars.Of(0.5), OwnedScalars.One).unsqueeze(0);
        Tensor Positions(Tensor start, Tensor extent) =>
            minimum(centres.mul(extent).div_(OwnedScalars.Of(size)).sub_(OwnedScalars.Of(0.5)).clamp_min_(OwnedScalars.Of(0)), extent.sub(OwnedScalars.Of(1))).add_(start, OwnedScalars.One);
        var rows = Positions(box[.., 0..1], box[.., 2..3]);
        var cols = Positions(box[.., 1..2], box[.., 3..4]);
        cols = where(flips.to(device).unsqueeze(1), cols.flip(1), cols);
        // grid_sample's coordinates with align_corners = false: pixel p of n sits at (2p + 1) / n - 1.
        var gx = cols.mul_(OwnedScalars.Of(2)).add_(OwnedScalars.Of(1), OwnedScalars.One).div_(OwnedScalars.Of(width)).sub_(OwnedScalars.Of(1)).unsqueeze(1).expand(b, size, size);
        var gy = rows.mul_(OwnedScalars.Of(2)).add_(OwnedScalars.Of(1), OwnedScalars.One).div_(OwnedScalars.Of(height)).sub_(OwnedScalars.Of(1)).unsqueeze(2).expand(b, size, size);
        var grid = stack([gx, gy], -1);
        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false)
            .MoveToOuterDisposeScope();
    }
}
