using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class IdxFormatTests
{
    // Two 2x3 images with pixel values 0..11, labels 7 and 2.
    static readonly byte[] Pixels = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabelsRawAndGzipped(bool gzip)
    {
        using var dir = DatasetFiles.Temp();
        var images = DatasetFiles.Idx([2, 2, 3], Pixels);
        var labels = DatasetFiles.Idx([2], [7, 2]);
        File.WriteAllBytes(dir.File("i"), gzip ? DatasetFiles.Gzip(images) : images);
        File.WriteAllBytes(dir.File("l"), gzip ? DatasetFiles.Gzip(labels) : labels);

        using var x = IdxFormat.ReadImages(dir.File("i"));
        using var y = IdxFormat.ReadLabels(dir.File("l"), 10);
        Assert.Equal(new long[] { 2, 1, 2, 3 }, x.shape);
        Assert.Equal(Pixels, x.data<byte>().ToArray());
        Assert.Equal(5, x[0, 0, 1, 2].item<byte>());   // row 1, column 2 of image 0 = 1*3 + 2
        Assert.Equal(new long[] { 7, 2 }, y.data<long>().ToArray());

        var header = IdxFormat.ReadHeader(dir.File("i"), IdxFormat.ImagesMagic);
        Assert.Equal(new[] { 2, 2, 3 }, header.Dims);
        Assert.Equal(gzip, header.Compressed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedFileIsNamedWithExpectedSize(bool gzip)
    {
        using var dir = DatasetFiles.Temp();
        var images = DatasetFiles.Idx([2, 2, 3], Pixels)[..^5];  // 23 of 28 bytes
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), gzip ? DatasetFiles.Gzip(images) : images);

        var e = Assert.Throws<DatasetFormatException>(() => IdxFormat.ReadHeader(dir.File("train-images-idx3-ubyte"), IdxFormat.ImagesMagic));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("23 ", e.Message);
        Assert.Contains("expected 28", e.Message);
        Assert.Contains("datasets.md#truncated-file", e.Message);
        var read = Assert.Throws<DatasetFormatException>(() => IdxFormat.ReadImages(dir.File("train-images-idx3-ubyte")));
        Assert.Equal(DatasetDocs.TruncatedFile, read.Anchor);
    }

    [Fact]
    public void WrongMagicNumberNamesBothNumbers()
    {
        using var dir = DatasetFiles.Temp();
        File.WriteAllBytes(dir.File("labels"), DatasetFiles.Idx([2], [1, 2]));
        var e = Assert.Throws<DatasetFormatException>(() => IdxFormat.ReadImages(dir.File("labels")));
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("expected 0x00000803", e.Message);
        Assert.Equal(DatasetDocs.WrongMagicNumber, e.Anchor);
    }

    [Fact]
    public void LabelOutOfRangeNamesTheItem()
    {
        using var dir = DatasetFiles.Temp();
        File.WriteAllBytes(dir.File("labels"), DatasetFiles.Idx([3], [1, 12, 2]));
        var e = Assert.Throws<DatasetFormatException>(() => IdxFormat.ReadLabels(dir.File("labels"), 10));
        Assert.Contains("label 12 at item 1", e.Message);
        Assert.Contains("0..9", e.Message);
        Assert.Equal(DatasetDocs.LabelOutOfRange, e.Anchor);
    }
}
