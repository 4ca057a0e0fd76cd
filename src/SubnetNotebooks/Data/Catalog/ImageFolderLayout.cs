namespace SubnetNotebooks.Data;

/// <summary>
/// Datasets of JPEG files decoded at load time: CUB-200-2011 (CUB_200_2011/) and
/// Tiny-ImageNet-200 (tiny-imagenet-200/). Images are resized to a square side
/// (<see cref="DatasetLoadOptions.ImageSize"/>, else <see cref="DatasetInfo.ImageSize"/>).
/// </summary>
internal sealed class ImageFolderLayout(DatasetInfo info, IReadOnlyList<DatasetArchive> archives, bool cub) : DatasetLayout
{
    public override DatasetInfo Info => info;
    public override string Folder => cub ? "CUB_200_2011" : "tiny-imagenet-200";
    public override IReadOnlyList<DatasetArchive> Archives => archives;
    public override string DownloadFolder(string dataDir) => dataDir;

    public override string? Missing(string folder) => cub
        ? FilesMissing(folder, "images.txt", "image_class_labels.txt", "train_test_split.txt", "images")
        : FilesMissing(folder, "wnids.txt", "train", Path.Combine("val", "val_annotations.txt"), Path.Combine("val", "images"));

    public override IReadOnlyList<SplitSummary> Describe(string folder, DatasetLoadOptions options) => cub
        ? [new SplitSummary("train", Cub200Format.ListSplit(folder, true).Count, "train_test_split.txt = 1"),
           new SplitSummary("test", Cub200Format.ListSplit(folder, false).Count, "train_test_split.txt = 0")]
        : [new SplitSummary("train", TinyImageNetFormat.ListSplit(folder, "train").Count, "train/<wnid>/images"),
           new SplitSummary("test", TinyImageNetFormat.ListSplit(folder, "val").Count, "val/images + val_annotations.txt")];

    public override DatasetSplits Load(string folder, DatasetLoadOptions options)
    {
        int size = options.ImageSize ?? info.ImageSize;
        var sized = info with { ImageSize = size };
        return cub
            ? new DatasetSplits(Cub200Format.Read(folder, true, size), Cub200Format.Read(folder, false, size), info.Normalization, sized, folder)
            : new DatasetSplits(TinyImageNetFormat.Read(folder, "train", size), TinyImageNetFormat.Read(folder, "val", size), info.Normalization, sized, folder);
    }

    public override void Unpack(IReadOnlyList<string> files, string dataDir)
    {
        foreach (var f in files) DatasetDownload.Unpack(f, dataDir);
    }
}
