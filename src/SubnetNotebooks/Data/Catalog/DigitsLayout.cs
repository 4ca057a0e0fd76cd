namespace SubnetNotebooks.Data;

/// <summary>
/// scikit-learn's 8x8 digits: one file, digits.csv.gz, 1,797 samples without an official split.
/// The kit's split is fixed: the last ceil(N/4) lines test, the rest train; for the official
/// 1,797 lines that is lines 1..1,347 train and 1,348..1,797 test (133..137 and 41..48 per class).
/// </summary>
internal sealed class DigitsLayout(DatasetInfo info, IReadOnlyList<DatasetArchive> archives, Func<IEnumerable<DatasetPlace>> localPlaces) : DatasetLayout
{
    const string FileName = "digits.csv.gz";

    public override DatasetInfo Info => info;
    public override string Folder => "digits";
    public override IReadOnlyList<DatasetArchive> Archives => archives;
    public override IEnumerable<DatasetPlace> LocalPlaces() => localPlaces();
    public override string? Missing(string folder) => FilesMissing(folder, FileName);

    public override IReadOnlyList<SplitSummary> Describe(string folder, DatasetLoadOptions options)
    {
        var path = Path.Combine(folder, FileName);
        int n = DigitsFormat.CountSamples(path);
        var (train, test) = SplitSizes(n, path, options);
        return [new SplitSummary("train", train, $"{FileName} lines 1..{train:N0}"), new SplitSummary("test", test, $"{FileName} lines {train + 1:N0}..{n:N0}")];
    }

    public override DatasetSplits Load(string folder, DatasetLoadOptions options)
    {
        var path = Path.Combine(folder, FileName);
        var (pixels, labels) = DigitsFormat.Read(path);
        using var all = new ImageDataset("digits", pixels, labels, info.Classes);
        var (train, test) = SplitSizes(all.Count, path, options);
        var trainSet = all.Subset(Enumerable.Range(0, train).Select(i => (long)i).ToArray(), "digits/train");
        var testSet = all.Subset(Enumerable.Range(train, test).Select(i => (long)i).ToArray(), "digits/test");
        return new DatasetSplits(trainSet, testSet, info.Normalization, info, folder);
    }

    (int Train, int Test) SplitSizes(int n, string path, DatasetLoadOptions options)
    {
        int total = info.TrainCount + info.TestCount;
        if (options.OfficialSizes && n != total)
            throw new DatasetFormatException(path,
                $"Digits file {path} holds {n:N0} samples; expected {total:N0} (8x8 digits of scikit-learn).",
                "Reinstall python3-sklearn or re-download digits.csv.gz (see datasets.md#digits)", n < total ? DatasetDocs.TruncatedFile : DatasetDocs.WrongRecordSize);
        int test = (n + 3) / 4;
        return (n - test, test);
    }
}
