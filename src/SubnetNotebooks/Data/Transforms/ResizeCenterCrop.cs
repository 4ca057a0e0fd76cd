using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// The evaluation transform of ImageNet-style data (CUB-200, Tiny-ImageNet): resize square images
/// to <see cref="Resize"/> (bilinear, antialiased) and keep the centre <see cref="Crop"/> x
/// <see cref="Crop"/>. Deterministic: the generator is not used.
/// </summary>
/// <param name="resize">side after resizing (no resize when it equals the input side)</param>
/// <param name="crop">side of the centre crop, at most <paramref name="resize"/></param>
public sealed class ResizeCenterCrop(int resize, int crop) : IBatchAugmentation
{
    /// <summary>Side after resizing.</summary>
    public int Resize { get; } = crop <= resize ? resize : throw new ArgumentException($"ResizeCenterCrop: crop {crop} exceeds resize {resize}.");
    /// <summary>Side of the centre crop.</summary>
    public int Crop { get; } = crop;

    /// <param name="images">float32 [B, C, H, W] with H = W</param>
    /// <param name="generator">unused</param>
    /// <returns>float32 [B, C, Crop, Crop]</returns>
    public Tensor Apply(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = images.shape[2] == Resize && images.shape[3] == Resize
            ? images
            : nn.functional.interpolate(images, new long[] { Resize, Resize }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        long offset = (Resize - Crop) / 2;
        return x.narrow(2, offset, Crop).narrow(3, offset, Crop).contiguous().MoveToOuterDisposeScope();
    }
}
