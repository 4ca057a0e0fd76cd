using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class CifarFormatTests
{
    // Pixel (c, y, x) of record r = (r * 50 + c * 7 + y + 2 * x) mod 256: any cell can be checked by hand.
    static byte Pixel(int r, int c, int y, int x) => (byte)((r * 50 + c * 7 + y + 2 * x) % 256);

    [Fact]
    public void ReadsCifar10Records()
    {
        using var dir = DatasetFiles.Temp();
        var bytes = new[] { 3, 9, 0 }.SelectMany((label, r) => DatasetFiles.CifarRecord([(byte)label], (c, y, x) => Pixel(r, c, y, x))).ToArray();
        File.WriteAllBytes(dir.File("data_batch_1.bin"), bytes);

        var (pixels, labels) = CifarFormat.ReadCifar10(dir.File("data_batch_1.bin"), expectedRecords: null);
        using (pixels) using (labels)
        {
            Assert.Equal(new long[] { 3, 3, 32, 32 }, pixels.shape);
            Assert.Equal(new long[] { 3, 9, 0 }, labels.data<long>().ToArray());
            Assert.Equal(Pixel(1, 2, 5, 30), pixels[1, 2, 5, 30].item<byte>());   // blue, row 5, column 30
            Assert.Equal(Pixel(2, 0, 31, 0), pixels[2, 0, 31, 0].item<byte>());
        }
    }

    [Theory]
    [InlineData(Cifar100Label.Fine, new long[] { 87, 4 })]
    [InlineData(Cifar100Label.Coarse, new long[] { 19, 0 })]
    public void ReadsCifar100FineOrCoarse(Cifar100Label which, long[] expected)
    {
        using var dir = DatasetFiles.Temp();
        var bytes = DatasetFiles.CifarRecord([19, 87], (c, y, x) => Pixel(0, c, y, x))
            .Concat(DatasetFiles.CifarRecord([0, 4], (c, y, x) => Pixel(1, c, y, x))).ToArray();
        File.WriteAllBytes(dir.File("train.bin"), bytes);

        var (pixels, labels) = CifarFormat.ReadCifar100(dir.File("train.bin"), which, expectedRecords: 2);
        using (pixels) using (labels)
        {
            Assert.Equal(expected, labels.data<long>().ToArray());
            Assert.Equal(Pixel(1, 1, 10, 11), pixels[1, 1, 10, 11].item<byte>());
        }
    }

    [Fact]
    public void TruncatedBatchNamesSizeAndExpectedSize()
    {
        using var dir = DatasetFiles.Temp();
        File.WriteAllBytes(dir.File("data_batch_3.bin"), new byte[2 * 3073 - 20]);
        var e = Assert.Throws<DatasetFormatException>(() => CifarFormat.ReadCifar10(dir.File("data_batch_3.bin"), expectedRecords: 2));
        Assert.Contains("data_batch_3.bin is 6,126 bytes; expected 6,146 (2 records of 3,073 bytes)", e.Message);
        Assert.Contains("datasets.md#cifar-10", e.Message);
    }

    [Fact]
    public void Cifar100FileReadAsCifar10HasWrongRecordSize()
    {
        using var dir = DatasetFiles.Temp();
        File.WriteAllBytes(dir.File("test_batch.bin"), new byte[3 * 3074]);   // 9,222 bytes: not a multiple of 3,073
        var e = Assert.Throws<DatasetFormatException>(() => CifarFormat.ReadCifar10(dir.File("test_batch.bin"), expectedRecords: null));
        Assert.Contains("9,222 bytes, not a whole number of 3,073-byte records", e.Message);
        Assert.Equal(DatasetDocs.WrongRecordSize, e.Anchor);
    }

    [Fact]
    public void LabelOutOfRangeNamesTheRecord()
    {
        using var dir = DatasetFiles.Temp();
        var bytes = DatasetFiles.CifarRecord([1], (_, _, _) => 0).Concat(DatasetFiles.CifarRecord([10], (_, _, _) => 0)).ToArray();
        File.WriteAllBytes(dir.File("data_batch_1.bin"), bytes);
        var e = Assert.Throws<DatasetFormatException>(() => CifarFormat.ReadCifar10(dir.File("data_batch_1.bin"), expectedRecords: null));
        Assert.Contains("record 1 has label 10; expected 0..9", e.Message);
        Assert.Equal(DatasetDocs.LabelOutOfRange, e.Anchor);
    }
}
