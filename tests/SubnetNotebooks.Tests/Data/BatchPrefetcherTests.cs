using SubnetNotebooks.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Data;

[Collection(LiveTensorCount.Name)]
public class BatchPrefetcherTests
{
    // Batch k: images filled with k, labels [k]; throws when it reaches failAt.
    static IEnumerable<(Tensor Images, Tensor Labels)> Numbered(int count, int failAt = -1)
    {
        for (int k = 0; k < count; k++)
        {
            if (k == failAt) throw new InvalidOperationException($"batch {k} could not be read");
            using var scope = NewDisposeScope();
            var x = full(new long[] { 2, 3 }, (float)k).mul(1f);
            yield return (x.MoveToOuterDisposeScope(), tensor(new long[] { k }).MoveToOuterDisposeScope());
        }
    }

    [Fact]
    public void BatchesArriveInOrderIntoTheConsumersScope()
    {
        long before = LiveTensorCount.Settled();
        var seen = new List<long>();
        var yielded = new List<Tensor>();
        using (var scope = NewDisposeScope())
        {
            foreach (var (x, y) in BatchPrefetcher.Run(Numbered(6), depth: 1))
            {
                seen.Add(y.item<long>());
                Assert.Equal(6 * (float)seen[^1], x.sum().item<float>());
                yielded.Add(x); yielded.Add(y);
            }
        }
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, seen);
        Assert.All(yielded, t => Assert.True(t.IsInvalid));
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void AnExceptionOfTheSourceReachesTheConsumerWithItsMessage()
    {
        long before = LiveTensorCount.Settled();
        var seen = new List<long>();
        using (var scope = NewDisposeScope())
        {
            var e = Assert.Throws<InvalidOperationException>(() =>
            {
                foreach (var (_, y) in BatchPrefetcher.Run(Numbered(6, failAt: 3), depth: 2)) seen.Add(y.item<long>());
            });
            Assert.Equal("batch 3 could not be read", e.Message);
        }
        Assert.Equal(new long[] { 0, 1, 2 }, seen);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void CancellationStopsTheEpochAndDisposesWhatWasMadeAhead()
    {
        long before = LiveTensorCount.Settled();
        using var cancel = new CancellationTokenSource();
        int taken = 0;
        using (var scope = NewDisposeScope())
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                foreach (var _ in BatchPrefetcher.Run(Numbered(100), depth: 2, cancel.Token))
                    if (++taken == 2) cancel.Cancel();
            });
        }
        Assert.Equal(2, taken);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void DepthMustBePositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchPrefetcher.Run(Numbered(1), depth: 0));
}
