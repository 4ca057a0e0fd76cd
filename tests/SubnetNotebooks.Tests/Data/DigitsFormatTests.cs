using System.Text;
using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class DigitsFormatTests
{
    static string Line(int pixel, int label) => string.Join(",", Enumerable.Repeat(pixel, 64).Append(label));

    [Fact]
    public void ScalesPixelsTo255AndReadsLabels()
    {
        using var dir = DatasetFiles.Temp();
        var text = $"{Line(16, 3)}\n{Line(1, 9)}\n{string.Join(",", Enumerable.Range(0, 64).Select(i => i % 17).Append(0))}\n";
        File.WriteAllBytes(dir.File("digits.csv.gz"), DatasetFiles.Gzip(Encoding.ASCII.GetBytes(text)));

        var (pixels, labels) = DigitsFormat.Read(dir.File("digits.csv.gz"));
        using (pixels) using (labels)
        {
            Assert.Equal(new long[] { 3, 1, 8, 8 }, pixels.shape);
            Assert.Equal(new long[] { 3, 9, 0 }, labels.data<long>().ToArray());
            Assert.Equal(255, pixels[0, 0, 7, 7].item<byte>());         // 16 -> 255
            Assert.Equal(16, pixels[1, 0, 0, 0].item<byte>());          // 1 -> round(15.94) = 16
            Assert.Equal(128, pixels[2, 0, 1, 0].item<byte>());         // index 8 -> value 8 -> round(127.5) = 128
        }
        Assert.Equal(3, DigitsFormat.CountSamples(dir.File("digits.csv.gz")));
    }

    [Fact]
    public void ShortLineIsAWrongRecordSize()
    {
        using var dir = DatasetFiles.Temp();
        File.WriteAllText(dir.File("digits.csv"), $"{Line(0, 1)}\n1,2,3\n");
        var e = Assert.Throws<DatasetFormatException>(() => DigitsFormat.Read(dir.File("digits.csv")));
        Assert.Contains("line 2 has 3 values; expected 65", e.Message);
        Assert.Equal(DatasetDocs.WrongRecordSize, e.Anchor);
    }

    [Fact]
    public void LabelOutOfRangeIsNamed()
    {
        using var dir = DatasetFiles.Temp();
        File.WriteAllText(dir.File("digits.csv"), Line(0, 10));
        var e = Assert.Throws<DatasetFormatException>(() => DigitsFormat.Read(dir.File("digits.csv")));
        Assert.Contains("a label 0..9", e.Message);
        Assert.Equal(DatasetDocs.LabelOutOfRange, e.Anchor);
    }
}
