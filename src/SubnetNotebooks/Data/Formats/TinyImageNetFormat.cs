using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// Reads the Tiny-ImageNet-200 folder layout: wnids.txt (one WordNet id per class, in class order),
/// train/&lt;wnid&gt;/images/*.JPEG, val/images/*.JPEG labelled by val/val_annotations.txt
/// (file, wnid, box), and optionally words.txt (wnid, tab, names) for class names.
/// The unlabelled test/ folder is not used: val is the test split.
/// </summary>
public static class TinyImageNetFormat
{
    const string Anchor = "tiny-imagenet";

    /// <summary>The class ids, in the order of wnids.txt.</summary>
    public static IReadOnlyList<string> ReadWnids(string root)
    {
        var path = Path.Combine(root, "wnids.txt");
        Require(path);
        var wnids = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (wnids.Length == 0)
            throw new DatasetFormatException(path, $"Tiny-ImageNet class list {path} is empty; expected one WordNet id per line (200 lines).",
                "Extract the archive again", DatasetDocs.TruncatedFile);
        return wnids;
    }

    /// <summary>Class names from words.txt (first name of each synset), else the wnids themselves.</summary>
    public static IReadOnlyList<string> ReadClassNames(string root, IReadOnlyList<string> wnids)
    {
        var path = Path.Combine(root, "words.txt");
        if (!File.Exists(path)) return wnids;
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            int tab = line.IndexOf('\t');
            if (tab > 0) words[line[..tab]] = line[(tab + 1)..].Split(',')[0].Trim();
        }
        return wnids.Select(w => words.GetValueOrDefault(w, w)).ToArray();
    }

    /// <summary>The labelled image files of a split, in a fixed order (sorted by class then file name for train; by file name for val).</summary>
    /// <param name="root">the tiny-imagenet-200 folder</param>
    /// <param name="split">"train" or "val"</param>
    public static IReadOnlyList<(string File, int Label)> ListSplit(string root, string split)
    {
        var wnids = ReadWnids(root);
        var index = wnids.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        var items = new List<(string, int)>();
        if (split == "train")
        {
            for (int c = 0; c < wnids.Count; c++)
            {
                var dir = Path.Combine(root, "train", wnids[c], "images");
                Require(dir);
                foreach (var f in Directory.EnumerateFiles(dir).Where(IsImage).Order(StringComparer.Ordinal)) items.Add((f, c));
            }
            return items;
        }
        if (split != "val") throw new ArgumentException($"Tiny-ImageNet split '{split}' is unknown: use train or val.", nameof(split));
        var annotations = Path.Combine(root, "val", "val_annotations.txt");
        Require(annotations);
        Require(Path.Combine(root, "val", "images"));
        int lineNo = 0;
        foreach (var line in File.ReadLines(annotations))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split('\t');
            if (fields.Length < 2)
                throw new DatasetFormatException(annotations,
                    $"Tiny-ImageNet {annotations} line {lineNo} has {fields.Length} tab-separated field(s); expected file, wnid and a box.",
                    "Extract the archive again", DatasetDocs.WrongRecordSize);
            if (!index.TryGetValue(fields[1], out int label))
                throw new DatasetFormatException(annotations,
                    $"Tiny-ImageNet {annotations} line {lineNo} names class {fields[1]}, which is not in wnids.txt ({wnids.Count} classes).",
                    "Use the val folder and wnids.txt of the same archive", DatasetDocs.LabelOutOfRange);
            items.Add((Path.Combine(root, "val", "images", fields[0]), label));
        }
        return items.OrderBy(p => p.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads a split, decoding every image to <paramref name="size"/> x <paramref name="size"/> (64 is the native size).</summary>
    /// <returns>a dataset of uint8 [N, 3, size, size]</returns>
    public static ImageDataset Read(string root, string split, int size = 64)
    {
        var items = ListSplit(root, split);
        var wnids = ReadWnids(root);
        var pixels = ImageDecoder.DecodeAll(items.Select(p => p.File).ToArray(), size);
        var labels = tensor(items.Select(p => (long)p.Label).ToArray());
        return new ImageDataset($"tiny-imagenet/{(split == "val" ? "test" : "train")}", pixels, labels, wnids.Count, ReadClassNames(root, wnids));
    }

    static bool IsImage(string f) =>
        f.EndsWith(".JPEG", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) ||
        f.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    static void Require(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new DatasetFormatException(path, $"Tiny-ImageNet needs {path}, which does not exist.",
                $"Extract tiny-imagenet-200.zip so that train/, val/ and wnids.txt sit together (see datasets.md#{Anchor})", DatasetDocs.MissingFolder);
    }
}
