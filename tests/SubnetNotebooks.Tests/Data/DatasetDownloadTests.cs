using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class DatasetDownloadTests
{
    static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Fact]
    public void GoodFileIsVerifiedCachedAndNotFetchedAgain()
    {
        var payload = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        using var server = new LoopbackFileServer(new() { ["files/x.bin"] = payload });
        using var dir = DatasetFiles.Temp();
        var archive = new DatasetArchive("x.bin", server.BaseUrl + "files/x.bin", Sha(payload).ToUpperInvariant());

        var path = DatasetDownload.Fetch(archive, dir.File("cache"));
        Assert.Equal(dir.File("cache", "x.bin"), path);
        Assert.Equal(payload, File.ReadAllBytes(path));
        Assert.Equal(1, server.Requests);

        DatasetDownload.Fetch(archive, dir.File("cache"));
        Assert.Equal(1, server.Requests);   // the cached copy's hash matched: no second request
    }

    [Fact]
    public void WrongChecksumKeepsNothing()
    {
        var payload = new byte[] { 1, 2, 3 };
        using var server = new LoopbackFileServer(new() { ["x.bin"] = payload });
        using var dir = DatasetFiles.Temp();
        var wrong = Sha([9, 9, 9]);
        var e = Assert.Throws<DatasetFormatException>(() =>
            DatasetDownload.Fetch(new DatasetArchive("x.bin", server.BaseUrl + "x.bin", wrong), dir.Path));
        Assert.Contains($"has SHA-256 {Sha(payload)}; expected {wrong}", e.Message);
        Assert.Contains("Nothing was kept", e.Message);
        Assert.Equal(DatasetDocs.ChecksumMismatch, e.Anchor);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void MissingFileOnTheServerIsAClearError()
    {
        using var server = new LoopbackFileServer(new());
        using var dir = DatasetFiles.Temp();
        var e = Assert.Throws<IOException>(() => DatasetDownload.Fetch(new DatasetArchive("y.bin", server.BaseUrl + "y.bin", Sha([])), dir.Path));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void CatalogDownloadsUnpacksAndLoadsCifar10()
    {
        // A cifar-10-binary.tar.gz in the official layout with 2 records per batch; record r of batch b has label (b + r) mod 10.
        var tar = new MemoryStream();
        using (var gz = new GZipStream(tar, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gz))
        {
            var names = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").Append("test_batch.bin").ToArray();
            for (int b = 0; b < names.Length; b++)
            {
                var data = Enumerable.Range(0, 2).SelectMany(r => DatasetFiles.CifarRecord([(byte)((b + r) % 10)], (c, y, x) => (byte)(b * 10 + r))).ToArray();
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"cifar-10-batches-bin/{names[b]}") { DataStream = new MemoryStream(data) });
            }
            var meta = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n"u8.ToArray();
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cifar-10-batches-bin/batches.meta.txt") { DataStream = new MemoryStream(meta) });
        }
        var archive = tar.ToArray();
        using var server = new LoopbackFileServer(new() { ["cifar-10-binary.tar.gz"] = archive });
        using var dir = DatasetFiles.Temp();
        var options = new DatasetLoadOptions
        {
            Download = true,
            OfficialSizes = false,
            Archives = [new DatasetArchive("cifar-10-binary.tar.gz", server.BaseUrl + "cifar-10-binary.tar.gz", Sha(archive))],
        };

        using var splits = DatasetCatalog.Load("cifar10", dir.Path, options);
        Assert.Equal(dir.File("cifar-10-batches-bin"), splits.Path);
        Assert.Equal(10, splits.Train.Count);
        Assert.Equal(2, splits.Test.Count);
        Assert.Equal(new long[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 }, splits.Train.Labels.data<long>().ToArray());
        Assert.Equal(41, splits.Train.Pixels[9, 2, 31, 31].item<byte>());   // batch 5 (b = 4), record 1
        Assert.Equal("truck", splits.Train.ClassNames[9]);
        Assert.True(DatasetCatalog.Locate("cifar10", dir.Path).Found);
    }

    [Fact]
    public void CatalogWithoutDownloadPermissionNamesEveryPlaceAndTheCommand()
    {
        using var dir = DatasetFiles.Temp();
        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("tiny-imagenet", dir.Path, new DatasetLoadOptions { Download = false }));
        Assert.Contains(dir.File("tiny-imagenet-200") + ": no such folder", e.Message);
        Assert.Contains("subnet datasets --download tiny-imagenet", e.Message);
        Assert.Contains("datasets.md#tiny-imagenet", e.Message);
        Assert.Equal(e.Location.Tried.Count, e.Message.Split('\n').Count(l => l.StartsWith("  ")));
    }
}
