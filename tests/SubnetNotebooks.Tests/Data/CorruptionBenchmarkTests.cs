using SubnetNotebooks.Data;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Data;

/// <summary>CIFAR-10-C and Tiny-ImageNet-C readers on small files in the published layouts.</summary>
public class CorruptionBenchmarkTests
{
    const int PerSeverity = 4;

    // Image k of severity block s (k = s * 4 + i) of corruption j: pixel (y, x, c) = (40 j + 10 s + i + y + 2 x + 3 c) mod 256, label k mod 10.
    static byte Pixel(int j, int s, int i, int y, int x, int c) => (byte)((40 * j + 10 * s + i + y + 2 * x + 3 * c) % 256);

    /// <summary>Writes &lt;dataDir&gt;/CIFAR-10-C with fog.npy and snow.npy ([20, 32, 32, 3] uint8) and labels.npy ([20] uint8).</summary>
    static string WriteCifar10C(DatasetFiles.TempFolder dir)
    {
        var root = dir.File("CIFAR-10-C");
        Directory.CreateDirectory(root);
        string[] names = ["fog", "snow"];
        for (int j = 0; j < names.Length; j++)
        {
            var data = new byte[5 * PerSeverity * 32 * 32 * 3];
            int p = 0;
            for (int s = 0; s < 5; s++)
                for (int i = 0; i < PerSeverity; i++)
                    for (int y = 0; y < 32; y++)
                        for (int x = 0; x < 32; x++)
                            for (int c = 0; c < 3; c++) data[p++] = Pixel(j, s, i, y, x, c);
            NpyFormat.WriteUInt8(Path.Combine(root, $"{names[j]}.npy"), data, 5 * PerSeverity, 32, 32, 3);
        }
        NpyFormat.WriteUInt8(Path.Combine(root, "labels.npy"), Enumerable.Range(0, 5 * PerSeverity).Select(k => (byte)(k % 10)).ToArray(), 5 * PerSeverity);
        return root;
    }

    [Fact]
    public void FindsCifar10CAndReadsEverySeverityAtTheChosenPositions()
    {
        using var dir = DatasetFiles.Temp();
        var root = WriteCifar10C(dir);
        Assert.Null(CorruptionBenchmark.Find("cifar100", dir.Path));

        var benchmark = CorruptionBenchmark.Find("cifar10", dir.Path)!;
        Assert.Equal("CIFAR-10-C", benchmark.Name);
        Assert.Equal(root, benchmark.Root);
        Assert.Equal(["fog", "snow"], benchmark.Corruptions);
        Assert.Equal(PerSeverity, benchmark.PerSeverity);

        var sets = benchmark.Read("snow", 10, 32, [1, 3]);
        try
        {
            Assert.Equal(5, sets.Count);
            for (int s = 0; s < 5; s++)
            {
                Assert.Equal(new long[] { 2, 3, 32, 32 }, sets[s].Pixels.shape);
                Assert.Equal(new long[] { (s * 4 + 1) % 10, (s * 4 + 3) % 10 }, sets[s].Labels.data<long>().ToArray());
                Assert.Equal(Pixel(1, s, 3, 5, 30, 2), sets[s].Pixels[1, 2, 5, 30].item<byte>()); // [N, H, W, C] on disk -> [N, C, H, W]
                Assert.Equal(Pixel(1, s, 1, 31, 0, 0), sets[s].Pixels[0, 0, 31, 0].item<byte>());
            }
        }
        finally { foreach (var set in sets) set.Dispose(); }
    }

    [Fact]
    public void ATruncatedCorruptionFileIsAnErrorNamingIt()
    {
        using var dir = DatasetFiles.Temp();
        var root = WriteCifar10C(dir);
        var fog = Path.Combine(root, "fog.npy");
        var bytes = File.ReadAllBytes(fog);
        File.WriteAllBytes(fog, bytes[..(bytes.Length - 1000)]);

        var benchmark = CorruptionBenchmark.Find("cifar10", dir.Path)!;
        var e = Assert.Throws<DatasetFormatException>(() => benchmark.Read("fog", 10, 32));
        Assert.Equal(fog, e.File);
        Assert.Contains("fog.npy", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ReadsTinyImageNetCLabelledInWnidsOrder()
    {
        using var dir = DatasetFiles.Temp();
        var root = dir.File("Tiny-ImageNet-C");
        // wnids.txt order (not alphabetical) is the class order the kit trains with.
        string[] wnids = ["n09", "n01"];
        foreach (var corruption in new[] { "fog", "zoom_blur" })
            for (int s = 1; s <= 5; s++)
                for (int c = 0; c < 2; c++)
                    for (int i = 0; i < 3; i++)
                    {
                        var folder = Path.Combine(root, corruption, $"{s}", wnids[c]);
                        Directory.CreateDirectory(folder);
                        // Tiny-ImageNet-C's files are .JPEG; the decoder detects the format from the bytes, so PNG bytes stand in.
                        File.WriteAllBytes(Path.Combine(folder, $"img_{i}.JPEG"), DatasetFiles.SolidPng(4, 4, (byte)(40 * s), (byte)(100 * c), (byte)i));
                    }
        File.WriteAllLines(Path.Combine(root, "wnids.txt"), wnids);

        var benchmark = CorruptionBenchmark.Find("tiny-imagenet", dir.Path)!;
        Assert.Equal("Tiny-ImageNet-C", benchmark.Name);
        Assert.Equal(["fog", "zoom_blur"], benchmark.Corruptions);
        Assert.Equal(6, benchmark.PerSeverity);

        var sets = benchmark.Read("zoom_blur", 2, 4);
        try
        {
            Assert.Equal(5, sets.Count);
            for (int s = 1; s <= 5; s++)
            {
                var set = sets[s - 1];
                Assert.Equal(new long[] { 6, 3, 4, 4 }, set.Pixels.shape);
                Assert.Equal(new long[] { 0, 0, 0, 1, 1, 1 }, set.Labels.data<long>().ToArray()); // n09 first, as in wnids.txt
                Assert.Equal(40 * s, set.Pixels[4, 0, 2, 2].item<byte>());
                Assert.Equal(100, set.Pixels[4, 1, 0, 0].item<byte>());   // class n01 (index 1)
                Assert.Equal(1, set.Pixels[4, 2, 3, 3].item<byte>());     // its second image
            }
        }
        finally { foreach (var set in sets) set.Dispose(); }
    }
}
