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
    public void DatasetTransformsFollowTheDataset()
    {
        Assert.IsType<RandomCropFlip>(DatasetTransforms.Training(OfficialSources.Cifar10));
        Assert.Null(DatasetTransforms.Training(OfficialSources.FashionMnist));
        var eval = Assert.IsType<ResizeCenterCrop>(DatasetTransforms.Evaluation(OfficialSources.Cub200));
        Assert.Equal(224, eval.Crop);
    }
}
