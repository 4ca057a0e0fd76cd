using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class Cub200FormatTests
{
    static void WriteCub(DatasetFiles.TempFolder dir, string classOfImage3 = "200")
    {
        Directory.CreateDirectory(dir.File("images", "001.Black_footed_Albatross"));
        Directory.CreateDirectory(dir.File("images", "200.Common_Yellowthroat"));
        File.WriteAllBytes(dir.File("images", "001.Black_footed_Albatross", "a.jpg"), DatasetFiles.SolidPng(6, 4, 10, 0, 0));
        File.WriteAllBytes(dir.File("images", "001.Black_footed_Albatross", "b.jpg"), DatasetFiles.SolidPng(4, 6, 20, 0, 0));
        File.WriteAllBytes(dir.File("images", "200.Common_Yellowthroat", "c.jpg"), DatasetFiles.SolidPng(5, 5, 30, 0, 0));
        // Ids out of file order on purpose: the reader orders by image id.
        File.WriteAllLines(dir.File("images.txt"),
            ["3 200.Common_Yellowthroat/c.jpg", "1 001.Black_footed_Albatross/a.jpg", "2 001.Black_footed_Albatross/b.jpg"]);
        File.WriteAllLines(dir.File("image_class_labels.txt"), ["1 1", "2 1", $"3 {classOfImage3}"]);
        File.WriteAllLines(dir.File("train_test_split.txt"), ["1 1", "2 0", "3 1"]);
        File.WriteAllLines(dir.File("classes.txt"), ["1 001.Black_footed_Albatross", "200 200.Common_Yellowthroat"]);
    }

    [Fact]
    public void ReadsSplitsWithZeroBasedLabels()
    {
        using var dir = DatasetFiles.Temp();
        WriteCub(dir);
        using var train = Cub200Format.Read(dir.Path, train: true, size: 3);
        using var test = Cub200Format.Read(dir.Path, train: false, size: 3);
        Assert.Equal(new long[] { 2, 3, 3, 3 }, train.Pixels.shape);
        Assert.Equal(new long[] { 0, 199 }, train.Labels.data<long>().ToArray());
        Assert.Equal(10, train.Pixels[0, 0, 1, 1].item<byte>());
        Assert.Equal(30, train.Pixels[1, 0, 2, 2].item<byte>());
        Assert.Equal(new long[] { 0 }, test.Labels.data<long>().ToArray());
        Assert.Equal(20, test.Pixels[0, 0, 0, 0].item<byte>());
        Assert.Equal(200, train.Classes);
        Assert.Equal("Black footed Albatross", train.ClassNames[0]);
        Assert.Equal("Common Yellowthroat", train.ClassNames[199]);
    }

    [Fact]
    public void ClassOutOfRangeIsNamed()
    {
        using var dir = DatasetFiles.Temp();
        WriteCub(dir, classOfImage3: "201");
        var e = Assert.Throws<DatasetFormatException>(() => Cub200Format.ListSplit(dir.Path, train: true));
        Assert.Contains("image 3 has class '201'; expected 1..200", e.Message);
        Assert.Equal(DatasetDocs.LabelOutOfRange, e.Anchor);
    }

    [Fact]
    public void MissingListFileIsNamed()
    {
        using var dir = DatasetFiles.Temp();
        WriteCub(dir);
        File.Delete(dir.File("train_test_split.txt"));
        var e = Assert.Throws<DatasetFormatException>(() => Cub200Format.ListSplit(dir.Path, train: true));
        Assert.Contains("train_test_split.txt", e.Message);
        Assert.Equal(DatasetDocs.MissingFolder, e.Anchor);
    }
}
