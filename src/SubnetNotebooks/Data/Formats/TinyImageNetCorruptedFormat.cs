using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// Reads Tiny-ImageNet-C (Hendrycks and Dietterich 2019) as published: &lt;corruption&gt;/&lt;severity 1-5&gt;/&lt;wnid&gt;/*.JPEG,
/// the 10,000 validation images (50 per class) at 64x64. Labels are the wnids' positions in Tiny-ImageNet's wnids.txt,
/// the class order the kit trains with.
/// </summary>
public static class TinyImageNetCorruptedFormat
{
    /// <summary>Number of severity folders under every corruption.</summary>
    public const int Severities = 5;

    /// <summary>The corruptions of the folder: every sub-folder that holds severity folders 1 to 5, by name.</summary>
    public static IReadOnlyList<string> Corruptions(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Where(d => Directory.Exists(Path.Combine(d, "1"))).Select(Path.GetFileName)
                .OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The labelled images of one corruption and severity, by class (wnids order) then file name.</summary>
    /// <param name="root">the Tiny-ImageNet-C folder</param>
    /// <param name="corruption">a name from <see cref="Corruptions"/></param>
    /// <param name="severity">1 to 5</param>
    /// <param name="wnids">Tiny-ImageNet's class ids in training order (wnids.txt)</param>
    public static IReadOnlyList<(string File, int Label)> List(string root, string corruption, int severity, IReadOnlyList<string> wnids)
    {
        var folder = Path.Combine(root, corruption, $"{severity}");
        if (!Directory.Exists(folder))
            throw new DatasetFormatException(folder, $"Tiny-ImageNet-C needs {folder}, which does not exist (every corruption has severity folders 1 to 5).",
                "Extract Tiny-ImageNet-C.tar again", DatasetDocs.MissingFolder);
        var index = wnids.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        var items = new List<(string File, int Label)>();
        foreach (var dir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var wnid = Path.GetFileName(dir)!;
            if (!index.TryGetValue(wnid, out int label))
                throw new DatasetFormatException(dir, $"Tiny-ImageNet-C folder {dir} names class {wnid}, which is not in Tiny-ImageNet's wnids.txt ({wnids.Count} classes).",
                    "Use Tiny-ImageNet-C with the tiny-imagenet-200 it was made from", DatasetDocs.LabelOutOfRange);
            items.AddRange(Directory.EnumerateFiles(dir).Where(IsImage).Order(StringComparer.Ordinal).Select(f => (f, label)));
        }
        if (items.Count == 0)
            throw new DatasetFormatException(folder, $"Tiny-ImageNet-C folder {folder} holds no images; expected <wnid>/*.JPEG.",
                "Extract Tiny-ImageNet-C.tar again", DatasetDocs.MissingFolder);
        return items.OrderBy(p => p.Label).ThenBy(p => p.File, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Reads one corruption at every severity, keeping the images at <paramref name="indices"/> of each severity's list.</summary>
    /// <param name="root">the Tiny-ImageNet-C folder</param>
    /// <param name="corruption">a name from <see cref="Corruptions"/></param>
    /// <param name="wnids">Tiny-ImageNet's class ids in training order</param>
    /// <param name="size">square side the images are decoded to (64 native)</param>
    /// <param name="indices">positions within each severity's list; null: all</param>
    /// <returns>one dataset per severity 1 to 5, uint8 [samples, 3, size, size]</returns>
    public static IReadOnlyList<ImageDataset> Read(string root, string corruption, IReadOnlyList<string> wnids, int size, IReadOnlyList<long>? indices = null)
    {
        var sets = new List<ImageDataset>();
        for (int s = 1; s <= Severities; s++)
        {
            var items = List(root, corruption, s, wnids);
            var keep = indices ?? Enumerable.Range(0, items.Count).Select(i => (long)i).ToArray();
            if (keep.Any(i => i < 0 || i >= items.Count))
                throw new ArgumentOutOfRangeException(nameof(indices), $"{Path.Combine(root, corruption, $"{s}")}: indices must lie in 0..{items.Count - 1}.");
            var chosen = keep.Select(i => items[(int)i]).ToArray();
            var pixels = ImageDecoder.DecodeAll(chosen.Select(c => c.File).ToArray(), size);
            sets.Add(new ImageDataset($"Tiny-ImageNet-C/{corruption}/{s}", pixels, tensor(chosen.Select(c => (long)c.Label).ToArray()), wnids.Count));
        }
        return sets;
    }

    static bool IsImage(string f) =>
        f.EndsWith(".JPEG", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) ||
        f.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
}
