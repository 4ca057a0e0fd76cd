using SubnetNotebooks.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Data;

public class TransformsTests
{
    // Image b, channel 0: value at (y, x) = 100 b + 10 y + x, so every crop offset can be read back.
    static Tensor Grid(int batch, int side) =>
        tensor(Enumerable.Range(0, batch * side * side).Select(i => (float)(100 * (i / (side * side)) + 10 * (i / side % side) + i % side)).ToArray(),
            new long[] { batch, 1, side, side });

    static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.contiguous().data<float>().ToArray().SequenceEqual(b.contiguous().data<float>().ToArray());

    [Fact]
    public void RandomCropFlipIsAPaddedWindowPossiblyFlipped()
    {
        using var scope = NewDisposeScope();
        var x = Grid(8, 4);
        using var g = new Generator(5);
        var y = new RandomCropFlip(4, padding: 1).Apply(x, g);
        Assert.Equal(new long[] { 8, 1, 4, 4 }, y.shape);
        var padded = nn.functional.pad(x, new long[] { 1, 1, 1, 1 });
        for (int b = 0; b < 8; b++)
        {
            bool matched = false;
            for (int top = 0; top <= 2 && !matched; top++)
                for (int left = 0; left <= 2 && !matched; left++)
                {
                    var window = padded[b].narrow(1, top, 4).narrow(2, left, 4);
                    matched = Same(window, y[b]) || Same(window.flip(2), y[b]);
                }
            Assert.True(matched, $"image {b} is not a window of its padded image");
        }
    }

    [Fact]
    public void RandomCropFlipIsSeeded()
    {
        using var scope = NewDisposeScope();
        var x = Grid(16, 6);
        Tensor Run(ulong seed) { using var g = new Generator(seed); return new RandomCropFlip(6, padding: 2).Apply(x, g); }
        Assert.True(Same(Run(3), Run(3)));
        Assert.False(Same(Run(3), Run(4)));
    }

    [Fact]
    public void FlipProbabilityOneMirrorsEveryImage()
    {
        using var scope = NewDisposeScope();
        var x = Grid(2, 3);
        using var g = new Generator(1);
        var y = new RandomCropFlip(3, padding: 0, flipProbability: 1).Apply(x, g);
        // Row 0 of image 1 was 100, 101, 102.
        Assert.Equal(new float[] { 102, 101, 100 }, y[1, 0, 0].data<float>().ToArray());
    }

    [Fact]
    public void ResizeCenterCropKeepsTheCentre()
    {
        using var scope = NewDisposeScope();
        var x = Grid(1, 4);
        using var g = new Generator(1);
        var y = new ResizeCenterCrop(4, 2).Apply(x, g);
        Assert.Equal(new float[] { 11, 12, 21, 22 }, y.data<float>().ToArray());
        var z = new ResizeCenterCrop(8, 8).Apply(torch.ones(1, 3, 4, 4), g);
        Assert.Equal(new long[] { 1, 3, 8, 8 }, z.shape);
        Assert.Equal(1f, z.mean().item<float>(), 5);
    }

    [Fact]
    public void BatchedCropFlipEqualsAPerImageReference()
    {
        int b = 5, c = 2, h = 5, w = 7, size = 4, pad = 2;
        var bytes = new byte[b * c * h * w];
        new Random(9).NextBytes(bytes);
        long[] tops = [0, 3, 1, 2, 3], lefts = [5, 0, 2, 1, 4];
        bool[] flips = [false, true, true, false, true];
        using var scope = NewDisposeScope();
        var images = tensor(bytes, new long[] { b, c, h, w });
        var crops = RandomCropFlip.Crop(images, tensor(tops), tensor(lefts), tensor(flips), size, pad);
        Assert.Equal(ScalarType.Byte, crops.dtype);
        Assert.Equal(new long[] { b, c, size, size }, crops.shape);
        var actual = crops.data<byte>().ToArray();
        // Reference: pixel (i, j) of crop k is the padded image's pixel (top + i, left + j'), j' mirrored when flipped.
        for (int k = 0; k < b; k++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < size; i++)
                    for (int j = 0; j < size; j++)
                    {
                        int y = (int)tops[k] + i - pad, x = (int)lefts[k] + (flips[k] ? size - 1 - j : j) - pad;
                        byte expected = y >= 0 && y < h && x >= 0 && x < w ? bytes[((k * c + ch) * h + y) * w + x] : (byte)0;
                        Assert.Equal(expected, actual[((k * c + ch) * size + i) * size + j]);
                    }
        // The same crops of float pixels.
        var floats = RandomCropFlip.Crop(images.to_type(ScalarType.Float32), tensor(tops), tensor(lefts), tensor(flips), size, pad);
        Assert.Equal(actual.Select(v => (float)v), floats.data<float>().ToArray());
    }

    [Fact]
    public void ResizedCropOfAForcedBoxIsItsBilinearResize()
    {
        using var scope = NewDisposeScope();
        // Pixel (y, x) = 4 y + x.
        var ramp = arange(16, ScalarType.Float32).reshape(1, 1, 4, 4);
        // The whole image to 2 x 2: each output pixel reads the centre of a 2 x 2 block, i.e. its mean.
        var halved = RandomResizedCropFlip.Resample(ramp, tensor(new long[] { 0, 0, 4, 4 }).reshape(1, 4), tensor(new[] { false }), 2);
        Assert.Equal(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, halved.data<float>().ToArray());
        // Box rows 1-2, columns 1-2 to 4 x 4: positions 1 + clamp((i + 0.5) / 2 - 0.5, 0, 1) = 1, 1.25, 1.75, 2; the ramp is linear.
        float[] at = [1f, 1.25f, 1.75f, 2f];
        var box = tensor(new long[] { 1, 1, 2, 2 }).reshape(1, 4);
        var doubled = RandomResizedCropFlip.Resample(ramp, box, tensor(new[] { false }), 4).data<float>().ToArray();
        var expected = at.SelectMany(y => at.Select(x => 4 * y + x)).ToArray();
        for (int i = 0; i < 16; i++) Assert.Equal(expected[i], doubled[i], 4);
        var mirrored = RandomResizedCropFlip.Resample(ramp, box, tensor(new[] { true }), 4).data<float>().ToArray();
        for (int i = 0; i < 16; i++) Assert.Equal(expected[i / 4 * 4 + 3 - i % 4], mirrored[i], 4);
        // One bright pixel at (1, 2): only the output sample at (0.5, 2.5) sees it, with weight 1/2 x 1/2.
        var dot = zeros(1, 1, 4, 4);
        dot[0, 0, 1, 2] = tensor(16f);
        var seen = RandomResizedCropFlip.Resample(dot, tensor(new long[] { 0, 0, 4, 4 }).reshape(1, 4), tensor(new[] { false }), 2);
        Assert.Equal(new float[] { 0, 4, 0, 0 }, seen.data<float>().ToArray());
    }

    [Fact]
    public void ResizedCropBoxesFollowTheScaleAndRatioRanges()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var crop = new RandomResizedCropFlip(64);
        var boxes = crop.Boxes(256, 256, 2000, g).data<long>().ToArray();
        var shares = new List<double>();
        for (int k = 0; k < 2000; k++)
        {
            long top = boxes[4 * k], left = boxes[4 * k + 1], h = boxes[4 * k + 2], w = boxes[4 * k + 3];
            Assert.InRange(top, 0, 256 - h);
            Assert.InRange(left, 0, 256 - w);
            Assert.InRange(h, 1, 256);
            Assert.InRange(w, 1, 256);
            // Rounding each side to whole pixels moves the share and the ratio by well under 2 %.
            shares.Add(h * w / 65536.0);
            Assert.InRange(h * w / 65536.0, 0.08 * 0.97, 1.0);
            Assert.InRange((double)w / h, 0.75 * 0.97, 4.0 / 3 * 1.03);
        }
        // Shares spread over the range, corners over the free positions.
        Assert.True(shares.Min() < 0.1 && shares.Max() > 0.9, $"shares span {shares.Min():F3}..{shares.Max():F3}");
        Assert.Contains(boxes.Where((_, i) => i % 4 == 0), t => t > 100);
        // A ratio no box of a square image fits (width 4 x height at full area) falls back to the centred 8 x 2 box.
        using var g2 = new Generator(1);
        var fallback = new RandomResizedCropFlip(8, minScale: 1, maxScale: 1, minRatio: 4, maxRatio: 4).Boxes(8, 8, 3, g2);
        Assert.Equal(new long[] { 3, 0, 2, 8, 3, 0, 2, 8, 3, 0, 2, 8 }, fallback.data<long>().ToArray());
    }

    [Fact]
    public void DatasetTransformsFollowTheDataset()
    {
        Assert.IsType<RandomCropFlip>(DatasetTransforms.Training(OfficialSources.Cifar10));
        Assert.Null(DatasetTransforms.Training(OfficialSources.FashionMnist));
        var eval = Assert.IsType<ResizeCenterCrop>(DatasetTransforms.Evaluation(OfficialSources.Cub200));
        Assert.Equal(224, eval.Crop);
        Assert.Equal(224, Assert.IsType<RandomResizedCropFlip>(DatasetTransforms.Training(OfficialSources.Cub200)).Size);
    }
}
