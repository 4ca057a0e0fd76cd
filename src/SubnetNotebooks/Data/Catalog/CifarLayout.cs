namespace SubnetNotebooks.Data;

/// <summary>
/// CIFAR-10 (cifar-10-batches-bin: data_batch_1..5.bin, test_batch.bin, batches.meta.txt) and
/// CIFAR-100 (cifar-100-binary: train.bin, test.bin, fine/coarse_label_names.txt), binary versions.
/// </summary>
internal sealed class CifarLayout(DatasetInfo info, IReadOnlyList<DatasetArchive> archives, bool hundred) : DatasetLayout
{
    static readonly string[] TrainBatches = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();

    public override DatasetInfo Info => info;
    public override string Folder => hundred ? "cifar-100-binary" : "cifar-10-batches-bin";
    public override IReadOnlyList<DatasetArchive> Archives => archives;
    public override string DownloadFolder(string dataDir) => dataDir;

    string[] TrainFiles => hundred ? ["train.bin"] : TrainBatches;
    string TestFile => hundred ? "test.bin" : "test_batch.bin";
    int LabelBytes => hundred ? 2 : 1;

    public override string? Missing(string folder) => FilesMissing(folder, [.. TrainFiles, TestFile]);

    public override IReadOnlyList<SplitSummary> Describe(string folder, DatasetLoadOptions options)
    {
        int train = TrainFiles.Sum(f => CifarFormat.CountRecords(Path.Combine(folder, f), LabelBytes,
            options.OfficialSizes ? (hundred ? 50_000 : 10_000) : null, info.Title, info.Anchor));
        int test = CifarFormat.CountRecords(Path.Combine(folder, TestFile), LabelBytes, options.OfficialSizes ? 10_000 : null, info.Title, info.Anchor);
        return [new SplitSummary("train", train, string.Join(", ", TrainFiles)), new SplitSummary("test", test, TestFile)];
    }

    public override DatasetSplits Load(string folder, DatasetLoadOptions options)
    {
        bool coarse = hundred && options.Cifar100Label == Cifar100Label.Coarse;
        int classes = coarse ? 20 : info.Classes;
        var names = CifarFormat.ReadClassNames(Path.Combine(folder,
            hundred ? (coarse ? "coarse_label_names.txt" : "fine_label_names.txt") : "batches.meta.txt"));
        if (names is not null && names.Count != classes) names = null;
        var train = Read(folder, TrainFiles, options, hundred ? 50_000 : 10_000);
        var test = Read(folder, [TestFile], options, 10_000);
        string name = coarse ? info.Name + "-coarse" : info.Name;
        var splitInfo = coarse ? info with { Name = name, Classes = 20 } : info;
        return new DatasetSplits(
            new ImageDataset($"{name}/train", train.Pixels, train.Labels, classes, names),
            new ImageDataset($"{name}/test", test.Pixels, test.Labels, classes, names),
            info.Normalization, splitInfo, folder);
    }

    (TorchSharp.torch.Tensor Pixels, TorchSharp.torch.Tensor Labels) Read(string folder, string[] files, DatasetLoadOptions options, int official)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var parts = files.Select(f =>
        {
            var path = Path.Combine(folder, f);
            int? expected = options.OfficialSizes ? official : null;
            return hundred ? CifarFormat.ReadCifar100(path, options.Cifar100Label, expected) : CifarFormat.ReadCifar10(path, expected);
        }).ToArray();
        var pixels = parts.Length == 1 ? parts[0].Pixels : TorchSharp.torch.cat(parts.Select(p => p.Pixels).ToArray(), 0);
        var labels = parts.Length == 1 ? parts[0].Labels : TorchSharp.torch.cat(parts.Select(p => p.Labels).ToArray(), 0);
        return (pixels.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    public override void Unpack(IReadOnlyList<string> files, string dataDir)
    {
        foreach (var f in files) DatasetDownload.Unpack(f, dataDir);
    }
}
