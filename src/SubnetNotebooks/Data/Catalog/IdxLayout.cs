namespace SubnetNotebooks.Data;

/// <summary>MNIST-style datasets: four IDX files (raw or .gz) named train-/t10k- images/labels.</summary>
internal sealed class IdxLayout(DatasetInfo info, IReadOnlyList<DatasetArchive> archives, Func<IEnumerable<DatasetPlace>> localPlaces) : DatasetLayout
{
    static readonly string[] Stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    public override DatasetInfo Info => info;
    public override string Folder => info.Name;
    public override IReadOnlyList<DatasetArchive> Archives => archives;
    public override IEnumerable<DatasetPlace> LocalPlaces() => localPlaces();

    public override string? Missing(string folder) =>
        FolderMissing(folder) ?? Stems.Where(s => Find(folder, s) is null).Select(s => $"folder exists but lacks {s} (or {s}.gz)").FirstOrDefault();

    public override IReadOnlyList<SplitSummary> Describe(string folder, DatasetLoadOptions options) =>
        [Count(folder, "train", "train"), Count(folder, "test", "t10k")];

    public override DatasetSplits Load(string folder, DatasetLoadOptions options)
    {
        Describe(folder, options);
        var train = Read(folder, "train", "train");
        var test = Read(folder, "test", "t10k");
        return new DatasetSplits(train, test, info.Normalization, info, folder);
    }

    ImageDataset Read(string folder, string split, string prefix) =>
        new($"{info.Name}/{split}", IdxFormat.ReadImages(Find(folder, $"{prefix}-images-idx3-ubyte")!),
            IdxFormat.ReadLabels(Find(folder, $"{prefix}-labels-idx1-ubyte")!, info.Classes), info.Classes, ClassNames(info.Name));

    SplitSummary Count(string folder, string split, string prefix)
    {
        var images = Find(folder, $"{prefix}-images-idx3-ubyte")!;
        var labels = Find(folder, $"{prefix}-labels-idx1-ubyte")!;
        var ih = IdxFormat.ReadHeader(images, IdxFormat.ImagesMagic);
        var lh = IdxFormat.ReadHeader(labels, IdxFormat.LabelsMagic);
        if (ih.Count != lh.Count)
            throw new DatasetFormatException(labels,
                $"{info.Title} {split} split: {Path.GetFileName(images)} holds {ih.Count:N0} images but {Path.GetFileName(labels)} {lh.Count:N0} labels; expected equal counts.",
                $"The two files come from different sources; reinstall or re-download both (see datasets.md#{info.Anchor})", DatasetDocs.WrongRecordSize);
        if (ih.Dims.Length != 3 || ih.Dims[1] != info.ImageSize || ih.Dims[2] != info.ImageSize)
            throw new DatasetFormatException(images,
                $"{info.Title} image file {Path.GetFileName(images)} has images of {string.Join(" x ", ih.Dims.Skip(1))}; expected {info.ImageSize} x {info.ImageSize}.",
                $"It belongs to another dataset; see datasets.md#{info.Anchor}", DatasetDocs.WrongRecordSize);
        return new SplitSummary(split, ih.Count, $"{Path.GetFileName(images)}, {Path.GetFileName(labels)}");
    }

    /// <summary>The raw file, else the .gz one, else null.</summary>
    static string? Find(string folder, string stem)
    {
        var raw = Path.Combine(folder, stem);
        if (File.Exists(raw)) return raw;
        var gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    static IReadOnlyList<string>? ClassNames(string name) => name == "fashion-mnist"
        ? ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        : null;
}
