using SubnetNotebooks.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Data;

public class BatchIteratorTests
{
    // 10 images of 1x2x2 whose pixels all equal 10 x index; label = index.
    static ImageDataset Numbered() => new("numbered",
        tensor(Enumerable.Range(0, 10).SelectMany(i => Enumerable.Repeat((byte)(10 * i), 4)).ToArray(), new long[] { 10, 1, 2, 2 }),
        tensor(Enumerable.Range(0, 10).Select(i => (long)i).ToArray()), 10);

    static List<long[]> Labels(BatchIterator it, int epoch)
    {
        using var scope = NewDisposeScope();
        return it.Epoch(epoch).Select(b => b.Labels.data<long>().ToArray()).ToList();
    }

    [Fact]
    public void SameSeedSameBatches()
    {
        using var data = Numbered();
        var a = new BatchIterator(data, 4, Normalization.Identity(1), shuffle: true, seed: 7);
        var b = new BatchIterator(data, 4, Normalization.Identity(1), shuffle: true, seed: 7);
        var c = new BatchIterator(data, 4, Normalization.Identity(1), shuffle: true, seed: 8);
        Assert.Equal(Labels(a, 0), Labels(b, 0));
        Assert.NotEqual(Labels(a, 0), Labels(c, 0));
        Assert.NotEqual(Labels(a, 0), Labels(a, 1));
        var all = Labels(a, 0).SelectMany(l => l).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), all);
        Assert.Equal(new[] { 4, 4, 2 }, Labels(a, 0).Select(l => l.Length));
    }

    [Fact]
    public void ImagesAreNormalisedAndMatchTheirLabels()
    {
        using var data = Numbered();
        var it = new BatchIterator(data, 3, new Normalization([0.1f], [0.5f]), shuffle: true, seed: 1);
        using var scope = NewDisposeScope();
        foreach (var (x, y) in it.Epoch(0))
        {
            var labels = y.data<long>().ToArray();
            for (int i = 0; i < labels.Length; i++)
                Assert.Equal((10f * labels[i] / 255f - 0.1f) / 0.5f, x[i, 0, 1, 1].item<float>(), 5);
        }
    }

    [Fact]
    public void AnEpochLeaksNoTensors()
    {
        using var data = Numbered();
        var it = new BatchIterator(data, 4, Normalization.Identity(1), shuffle: true, seed: 3, augment: new RandomCropFlip(2, padding: 1));
        var yielded = new List<Tensor>();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = NewDisposeScope())
        {
            foreach (var (x, y) in it.Epoch(0)) { yielded.Add(x); yielded.Add(y); }
            // Inside the scope only the yielded pairs are alive: every intermediate was disposed.
            Assert.Equal(before + yielded.Count, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.All(yielded, t => Assert.True(t.IsInvalid));
    }
}
