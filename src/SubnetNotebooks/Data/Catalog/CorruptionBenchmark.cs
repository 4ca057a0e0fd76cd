namespace SubnetNotebooks.Data;

/// <summary>
/// A published corruption benchmark found on disk for the run's dataset: CIFAR-10-C (cifar10), CIFAR-100-C
/// (cifar100) or Tiny-ImageNet-C (tiny-imagenet). It is looked for as a folder of its published name in every data
/// dir (--data-dir / dataDir, SUBNET_DATA, the default data dir), e.g. &lt;data dir&gt;/CIFAR-10-C.
/// </summary>
/// <param name="Name">the benchmark's published name, e.g. CIFAR-10-C</param>
/// <param name="Root">the folder it was found in</param>
/// <param name="Corruptions">the corruptions present, by name</param>
/// <param name="PerSeverity">images per corruption and severity (10,000 in the published benchmarks)</param>
/// <param name="Wnids">Tiny-ImageNet's class ids in training order (Tiny-ImageNet-C only)</param>
public sealed record CorruptionBenchmark(string Name, string Root, IReadOnlyList<string> Corruptions, int PerSeverity, IReadOnlyList<string>? Wnids)
{
    /// <summary>Severities of every corruption (1 to 5).</summary>
    public const int Severities = 5;

    static readonly Dictionary<string, (string Name, string[] Folders)> ByDataset = new()
    {
        ["cifar10"] = ("CIFAR-10-C", ["CIFAR-10-C", "cifar-10-c", "cifar10-c"]),
        ["cifar100"] = ("CIFAR-100-C", ["CIFAR-100-C", "cifar-100-c", "cifar100-c"]),
        ["tiny-imagenet"] = ("Tiny-ImageNet-C", ["Tiny-ImageNet-C", "tiny-imagenet-c"]),
    };

    /// <summary>Every folder where the benchmark of <paramref name="dataset"/> is looked for, in order (none for other datasets).</summary>
    public static IReadOnlyList<string> Places(string dataset, string? dataDir)
    {
        var name = DatasetCatalog.Info(dataset).Name;
        return ByDataset.TryGetValue(name, out var b)
            ? DatasetCatalog.DataDirs(dataDir).SelectMany(d => b.Folders.Select(f => Path.Combine(d, f))).ToArray()
            : [];
    }

    /// <summary>The benchmark of <paramref name="dataset"/> at the first place that holds it, or null when none does.</summary>
    /// <param name="dataset">the run's in-distribution dataset</param>
    /// <param name="dataDir">folder searched first (null: SUBNET_DATA and the default)</param>
    public static CorruptionBenchmark? Find(string dataset, string? dataDir)
    {
        var name = DatasetCatalog.Info(dataset).Name;
        foreach (var root in Places(dataset, dataDir))
        {
            if (!Directory.Exists(root)) continue;
            if (name == "tiny-imagenet")
            {
                var corruptions = TinyImageNetCorruptedFormat.Corruptions(root);
                if (corruptions.Count == 0) continue;
                var wnids = TinyImageNetWnids(root, dataDir);
                return new("Tiny-ImageNet-C", root, corruptions, TinyImageNetCorruptedFormat.List(root, corruptions[0], 1, wnids).Count, wnids);
            }
            if (!CifarCorruptedFormat.Looks(root)) continue;
            return new(ByDataset[name].Name, root, CifarCorruptedFormat.Corruptions(root), CifarCorruptedFormat.PerSeverity(root), null);
        }
        return null;
    }

    /// <summary>One corruption at every severity: the images at <paramref name="indices"/> of each severity (null: all).</summary>
    /// <param name="corruption">a name from <see cref="Corruptions"/></param>
    /// <param name="classes">the dataset's classes</param>
    /// <param name="imageSize">square side of the run's images (Tiny-ImageNet-C is decoded to it)</param>
    /// <param name="indices">positions within a severity, 0 to <see cref="PerSeverity"/> - 1</param>
    /// <returns>five datasets, severity 1 to 5, uint8 [samples, 3, H, W]</returns>
    public IReadOnlyList<ImageDataset> Read(string corruption, int classes, int imageSize, IReadOnlyList<long>? indices = null) =>
        Wnids is null
            ? CifarCorruptedFormat.Read(Root, corruption, classes, indices)
            : TinyImageNetCorruptedFormat.Read(Root, corruption, Wnids, imageSize, indices);

    /// <summary>A readable form: "CIFAR-10-C at PATH (19 corruptions x 5 severities)".</summary>
    public override string ToString() => $"{Name} at {Root} ({Corruptions.Count} corruptions x {Severities} severities)";

    /// <summary>The class order: wnids.txt inside Tiny-ImageNet-C if present, else the located tiny-imagenet-200's.</summary>
    static IReadOnlyList<string> TinyImageNetWnids(string root, string? dataDir)
    {
        if (File.Exists(Path.Combine(root, "wnids.txt"))) return TinyImageNetFormat.ReadWnids(root);
        var clean = DatasetCatalog.Locate("tiny-imagenet", dataDir);
        if (clean.Found) return TinyImageNetFormat.ReadWnids(clean.Path!);
        throw new DatasetFormatException(root,
            $"Tiny-ImageNet-C was found at {root}, but its labels need the class order of Tiny-ImageNet's wnids.txt, and tiny-imagenet-200 was not found.",
            "Put tiny-imagenet-200 in a data dir, or copy its wnids.txt into the Tiny-ImageNet-C folder", DatasetDocs.MissingFolder);
    }
}
