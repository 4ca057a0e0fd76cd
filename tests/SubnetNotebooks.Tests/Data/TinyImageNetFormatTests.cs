using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class TinyImageNetFormatTests
{
    // Tiny-ImageNet's files are named .JPEG; the decoder detects the format from the bytes, so PNG bytes stand in.
    static void WriteTiny(DatasetFiles.TempFolder dir, bool brokenVal = false)
    {
        File.WriteAllLines(dir.File("wnids.txt"), ["n02", "n01"]);
        File.WriteAllLines(dir.File("words.txt"), ["n01\tgoldfish, Carassius auratus", "n02\tstork"]);
        foreach (var (wnid, shade) in new[] { ("n02", (byte)20), ("n01", (byte)220) })
        {
            Directory.CreateDirectory(dir.File("train", wnid, "images"));
            for (int i = 0; i < 2; i++)
                File.WriteAllBytes(dir.File("train", wnid, "images", $"{wnid}_{i}.JPEG"), DatasetFiles.SolidPng(4, 4, shade, (byte)i, 0));
        }
        Directory.CreateDirectory(dir.File("val", "images"));
        File.WriteAllBytes(dir.File("val", "images", "val_0.JPEG"), DatasetFiles.SolidPng(4, 4, 220, 0, 0));
        File.WriteAllBytes(dir.File("val", "images", "val_1.JPEG"), DatasetFiles.SolidPng(4, 4, 20, 0, 0));
        File.WriteAllLines(dir.File("val", "val_annotations.txt"),
            ["val_0.JPEG\tn01\t0\t0\t3\t3", $"val_1.JPEG\t{(brokenVal ? "n99" : "n02")}\t0\t0\t3\t3"]);
    }

    [Fact]
    public void ReadsTrainAndValWithWnidOrder()
    {
        using var dir = DatasetFiles.Temp();
        WriteTiny(dir);
        using var train = TinyImageNetFormat.Read(dir.Path, "train", 4);
        using var val = TinyImageNetFormat.Read(dir.Path, "val", 4);
        Assert.Equal(new long[] { 4, 3, 4, 4 }, train.Pixels.shape);
        // Class 0 is n02 (first line of wnids.txt): its images have red 20.
        Assert.Equal(new long[] { 0, 0, 1, 1 }, train.Labels.data<long>().ToArray());
        Assert.Equal(20, train.Pixels[0, 0, 0, 0].item<byte>());
        Assert.Equal(220, train.Pixels[2, 0, 3, 3].item<byte>());
        Assert.Equal(1, train.Pixels[1, 1, 0, 0].item<byte>());   // green = file index 1
        Assert.Equal(new long[] { 1, 0 }, val.Labels.data<long>().ToArray());
        Assert.Equal(new[] { "stork", "goldfish" }, train.ClassNames);
        Assert.Equal(2, train.Classes);
    }

    [Fact]
    public void UnknownValClassIsALabelOutOfRange()
    {
        using var dir = DatasetFiles.Temp();
        WriteTiny(dir, brokenVal: true);
        var e = Assert.Throws<DatasetFormatException>(() => TinyImageNetFormat.ListSplit(dir.Path, "val"));
        Assert.Contains("line 2 names class n99", e.Message);
        Assert.Equal(DatasetDocs.LabelOutOfRange, e.Anchor);
    }

    [Fact]
    public void MissingTrainFolderIsNamed()
    {
        using var dir = DatasetFiles.Temp();
        WriteTiny(dir);
        Directory.Delete(dir.File("train", "n01"), true);
        var e = Assert.Throws<DatasetFormatException>(() => TinyImageNetFormat.ListSplit(dir.Path, "train"));
        Assert.Contains(Path.Combine("train", "n01", "images"), e.Message);
        Assert.Equal(DatasetDocs.MissingFolder, e.Anchor);
    }

    [Fact]
    public void UnreadableImageFailsTheRead()
    {
        using var dir = DatasetFiles.Temp();
        WriteTiny(dir);
        File.WriteAllText(dir.File("val", "images", "val_1.JPEG"), "not an image");
        var e = Assert.Throws<DatasetFormatException>(() => TinyImageNetFormat.Read(dir.Path, "val", 4));
        Assert.Contains("val_1.JPEG", e.Message);
        Assert.Equal(DatasetDocs.UnreadableImage, e.Anchor);
    }
}
