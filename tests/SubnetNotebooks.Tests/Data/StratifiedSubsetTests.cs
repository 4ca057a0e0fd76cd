using SubnetNotebooks.Data;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Data;

/// <summary>Seeded, class-stratified subsets on class-ordered data (as CUB-200 and Tiny-ImageNet are stored).</summary>
public class StratifiedSubsetTests
{
    /// <summary>Labels 0..0, 1..1, 2..2 with the given class sizes, in class order.</summary>
    static long[] ClassOrdered(params int[] sizes) => sizes.SelectMany((n, k) => Enumerable.Repeat((long)k, n)).ToArray();

    static int[] CountPerClass(long[] labels, long[] indices, int classes) =>
        Enumerable.Range(0, classes).Select(k => indices.Count(i => labels[i] == k)).ToArray();

    [Fact]
    public void EveryClassKeepsItsShareOfTheData()
    {
        // 200 samples, classes of 100, 60 and 40; a subset of 50 is a quarter of each: 25, 15, 10.
        var labels = ClassOrdered(100, 60, 40);
        var chosen = DatasetSplit.StratifiedIndices(labels, 50, seed: 4);
        Assert.Equal([25, 15, 10], CountPerClass(labels, chosen, 3));
        Assert.Equal(chosen.Length, chosen.Distinct().Count());
        Assert.Equal(chosen.Order(), chosen);
    }

    [Fact]
    public void LeftoverSamplesGoToTheLargestRemainders()
    {
        // Classes of 7, 5, 3 (N = 15), 8 samples: exact shares 3.73, 2.67, 1.60; floors 3, 2, 1 leave 2 samples,
        // which go to the two largest remainders (0.73 and 0.67): 4, 3, 1.
        var labels = ClassOrdered(7, 5, 3);
        Assert.Equal([4, 3, 1], CountPerClass(labels, DatasetSplit.StratifiedIndices(labels, 8, seed: 1), 3));
    }

    [Fact]
    public void TheFirstNWouldDropClassesTheSubsetDoesNot()
    {
        // 10 classes of 30 images in class order: the first 50 are classes 0 and 1 only; the subset has 5 of each class.
        var labels = ClassOrdered(Enumerable.Repeat(30, 10).ToArray());
        var counts = CountPerClass(labels, DatasetSplit.StratifiedIndices(labels, 50, seed: 9), 10);
        Assert.All(counts, c => Assert.Equal(5, c));
    }

    [Fact]
    public void SameSeedSameSubsetAndAnotherSeedAnother()
    {
        var labels = ClassOrdered(40, 40, 40);
        var a = DatasetSplit.StratifiedIndices(labels, 30, seed: 7);
        Assert.Equal(a, DatasetSplit.StratifiedIndices(labels, 30, seed: 7));
        Assert.NotEqual(a, DatasetSplit.StratifiedIndices(labels, 30, seed: 8));
        // Not simply the first samples of each class: 10 of 40 drawn at random.
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (long)i), a.Take(10));
    }

    [Fact]
    public void DatasetSubsetCarriesTheChosenImagesAndLabels()
    {
        // Pixel value = sample index, so each kept image names where it came from.
        var labels = ClassOrdered(6, 6);
        using var pixels = arange(12, dtype: ScalarType.Byte).reshape(12, 1, 1, 1);
        using var data = new ImageDataset("ordered", pixels.clone(), tensor(labels), 2);
        using var subset = DatasetSplit.Stratified(data, 4, seed: 2);
        var kept = subset.Pixels.flatten().data<byte>().Select(b => (long)b).ToArray();
        Assert.Equal(DatasetSplit.StratifiedIndices(labels, 4, seed: 2), kept);
        Assert.Equal(kept.Select(i => labels[i]), subset.Labels.data<long>().ToArray());
        Assert.Equal([2, 2], CountPerClass(labels, kept, 2));
        using var all = DatasetSplit.Stratified(data, 100, seed: 2);
        Assert.Equal(12, all.Count);
    }
}
