using System.IO.Compression;
using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class DatasetCatalogTests
{
    [Fact]
    public void KnowsEveryDatasetOfThePaperAndTheCpuStandIns()
    {
        Assert.Equal(new[] { "fashion-mnist", "mnist", "digits", "cifar10", "cifar100", "cub200", "tiny-imagenet" },
            DatasetCatalog.Known.Select(k => k.Name));
        var cifar100 = DatasetCatalog.Info("CIFAR_100");
        Assert.Equal((100, "3x32x32", 50_000, 10_000), (cifar100.Classes, cifar100.Shape, cifar100.TrainCount, cifar100.TestCount));
        Assert.Equal("cub200", DatasetCatalog.Info("CUB-200-2011").Name);
        Assert.All(DatasetCatalog.Known, k => Assert.Equal(k.Channels, k.Normalization.Mean.Length));
        Assert.All(DatasetCatalog.Known, k => Assert.All(DatasetCatalog.OfficialArchives(k.Name), a => Assert.Matches("^[0-9a-f]{64}$", a.Sha256)));
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Info("imagenet"));
        Assert.Contains("fashion-mnist", e.Message);
    }

    [Fact]
    public void DataDirComesBeforeKnownPlaces()
    {
        using var dir = DatasetFiles.Temp();
        var folder = dir.File("fashion-mnist");
        Directory.CreateDirectory(folder);
        byte[] Images(int n) => DatasetFiles.Idx([n, 28, 28], new byte[n * 784]);
        byte[] Labels(int n) => DatasetFiles.Idx([n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), Images(3));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), DatasetFiles.Gzip(Labels(3)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), DatasetFiles.Gzip(Images(2)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), Labels(2));

        var location = DatasetCatalog.Locate("fashion-mnist", dir.Path);
        Assert.Equal((true, folder), (location.Found, location.Path));
        Assert.Equal("found", location.Tried[0].Outcome);
        var summary = DatasetCatalog.Describe("fashion-mnist", dir.Path);
        Assert.Equal(new[] { ("train", 3), ("test", 2) }, summary.Splits.Select(s => (s.Name, s.Count)));
        using var splits = DatasetCatalog.Load("fashion-mnist", dir.Path);
        Assert.Equal(new long[] { 0, 1, 2 }, splits.Train.Labels.data<long>().ToArray());
        Assert.Equal("Ankle boot", splits.Train.ClassNames[9]);
    }

    [Fact]
    public void FolderMissingAFileIsSkippedWithTheReason()
    {
        using var dir = DatasetFiles.Temp();
        Directory.CreateDirectory(dir.File("cifar-100-binary"));
        File.WriteAllBytes(dir.File("cifar-100-binary", "train.bin"), new byte[3074]);
        var location = DatasetCatalog.Locate("cifar100", dir.Path);
        Assert.False(location.Found);
        Assert.Equal("folder exists but lacks test.bin", location.Tried[0].Outcome);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsAreAnError()
    {
        using var dir = DatasetFiles.Temp();
        var folder = dir.File("mnist");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), DatasetFiles.Idx([2, 28, 28], new byte[2 * 784]));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), DatasetFiles.Idx([3], [0, 1, 2]));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), DatasetFiles.Idx([1, 28, 28], new byte[784]));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), DatasetFiles.Idx([1], [0]));
        var e = Assert.Throws<DatasetFormatException>(() => DatasetCatalog.Describe("mnist", dir.Path));
        Assert.Contains("holds 2 images but train-labels-idx1-ubyte 3 labels", e.Message);
    }

    [Fact]
    public void FashionMnistFromTheDebianPackageHasTheOfficialCounts()
    {
        // dataset-fashion-mnist is installed by scripts/install-deps.sh; headers only, so this is fast.
        var summary = DatasetCatalog.Describe("fashion-mnist", Path.Combine(Path.GetTempPath(), "subnet-no-such-dir"));
        Assert.True(summary.Location.Found, string.Join("; ", summary.Location.Tried));
        Assert.Equal(new[] { 60_000, 10_000 }, summary.Splits.Select(s => s.Count));
    }

    [Fact]
    public void DigitsSplitIsTheFirst1347AndTheLast450Lines()
    {
        // python3-sklearn's digits.csv.gz, parsed here independently of the reader.
        var path = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',').Select(int.Parse).ToArray()).ToArray();
        Assert.Equal(1797, rows.Length);

        using var splits = DatasetCatalog.Load("digits", Path.Combine(Path.GetTempPath(), "subnet-no-such-dir"));
        Assert.Equal((1347, 450), (splits.Train.Count, splits.Test.Count));
        Assert.Equal(new long[] { 1, 8, 8 }, splits.Test.Pixels.shape[1..]);
        Assert.Equal(rows[1347][64], splits.Test.Labels[0].item<long>());
        Assert.Equal(rows[1796][64], splits.Test.Labels[449].item<long>());
        // Pixel 13 (row 1, column 5) of sample 5: round(v * 255 / 16).
        Assert.Equal((byte)Math.Round(rows[5][13] * 255 / 16.0, MidpointRounding.AwayFromZero), splits.Train.Pixels[5, 0, 1, 5].item<byte>());
    }
}
