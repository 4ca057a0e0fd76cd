using StbImageSharp;
using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Data;

/// <summary>
/// Decodes JPEG and PNG files (StbImageSharp) to RGB and brings them to a square size: the shorter
/// side is resized to <c>size</c> (bilinear, antialiased, torch.nn.functional.interpolate) and the
/// centre <c>size x size</c> is kept, so the aspect ratio is preserved.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes one image.</summary>
    /// <param name="bytes">the encoded file</param>
    /// <param name="file">its name, for errors</param>
    /// <param name="size">side of the square output</param>
    /// <returns>uint8 [3, size, size]</returns>
    public static Tensor DecodeSquare(byte[] bytes, string file, int size)
    {
        ImageResult image;
        try { image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DatasetFormatException(file,
                $"Image {file} ({bytes.Length:N0} bytes) cannot be decoded as JPEG or PNG: {e.Message}.",
                "Re-extract the archive or delete the damaged file and download again", DatasetDocs.UnreadableImage, e);
        }
        using var scope = NewDisposeScope();
        var hwc = tensor(image.Data, new long[] { image.Height, image.Width, 3 });
        var chw = hwc.permute(2, 0, 1);
        if (image.Width == size && image.Height == size)
            return chw.contiguous().MoveToOuterDisposeScope();
        double scale = (double)size / Math.Min(image.Width, image.Height);
        long h = Math.Max(size, (long)Math.Round(image.Height * scale)), w = Math.Max(size, (long)Math.Round(image.Width * scale));
        var resized = nn.functional.interpolate(chw.unsqueeze(0).to_type(ScalarType.Float32), new[] { h, w },
            mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        long top = (h - size) / 2, left = (w - size) / 2;
        return resized[0].narrow(1, top, size).narrow(2, left, size)
            .round().clamp(OwnedScalars.Of(0), OwnedScalars.Of(255)).to_type(ScalarType.Byte).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Decodes many image files in parallel into one tensor.</summary>
    /// <param name="files">image paths, in sample order</param>
    /// <param name="size">side of the square output</param>
    /// <returns>uint8 [N, 3, size, size]</returns>
    public static Tensor DecodeAll(IReadOnlyList<string> files, int size)
    {
        var pixels = zeros(new long[] { files.Count, 3, size, size }, ScalarType.Byte);
        try
        {
            Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                using var scope = NewDisposeScope();
                if (!File.Exists(files[i]))
                    throw new DatasetFormatException(files[i], $"Image {files[i]} is listed but does not exist.",
                        "Extract the archive again", DatasetDocs.MissingFolder);
                var image = DecodeSquare(File.ReadAllBytes(files[i]), files[i], size);
                pixels[i].copy_(image);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is DatasetFormatException) is Exception first)
        {
            pixels.Dispose();
            throw first;
        }
        return pixels;
    }
}
