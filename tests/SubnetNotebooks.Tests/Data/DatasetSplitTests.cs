using SubnetNotebooks.Data;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Data;

public class DatasetSplitTests
{
    static ImageDataset Numbered(int n) => new("toy/train",
        tensor(Enumerable.Range(0, n).Select(i => (byte)i).ToArray(), new long[] { n, 1, 1, 1 }),
        tensor(Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray()), 3);

    static long[] Ids(ImageDataset d) => d.Pixels.flatten().to_type(ScalarType.Int64).data<long>().ToArray();

    [Fact]
    public void SplitIsDisjointCompleteAndSeeded()
    {
        using var data = Numbered(20);
        var (train, val) = DatasetSplit.TrainValidation(data, 5, seed: 42);
        var (train2, val2) = DatasetSplit.TrainValidation(data, 5, seed: 42);
        var (_, val3) = DatasetSplit.TrainValidation(data, 5, seed: 43);
        using (train) using (val) using (train2) using (val2) using (val3)
        {
            Assert.Equal(15, train.Count);
            Assert.Equal(5, val.Count);
            Assert.Empty(Ids(train).Intersect(Ids(val)));
            Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), Ids(train).Concat(Ids(val)).Order());
            Assert.Equal(Ids(val), Ids(val2));
            Assert.NotEqual(Ids(val), Ids(val3));
            // Labels travel with their images: label = id mod 3.
            Assert.Equal(Ids(val).Select(i => i % 3), val.Labels.data<long>().ToArray());
            Assert.Equal("toy/validation", val.Name);
        }
    }

    [Fact]
    public void FractionRoundsToACount()
    {
        using var data = Numbered(10);
        var (train, val) = DatasetSplit.TrainValidation(data, 0.3, seed: 1);
        using (train) using (val) Assert.Equal((7, 3), (train.Count, val.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.TrainValidation(data, 11, seed: 1));
    }
}
