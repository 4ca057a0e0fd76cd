using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// Reads the CUB-200-2011 layout: images.txt (id, relative path), image_class_labels.txt (id,
/// class 1..200), train_test_split.txt (id, 1 = train / 0 = test), classes.txt (id, name; optional)
/// and images/&lt;class folder&gt;/&lt;file&gt;.jpg.
/// </summary>
public static class Cub200Format
{
    /// <summary>Classes of CUB-200-2011.</summary>
    public const int Classes = 200;

    /// <summary>The image files and 0-based labels of the train or the test split, in image-id order.</summary>
    public static IReadOnlyList<(string File, int Label)> ListSplit(string root, bool train)
    {
        var paths = ReadPairs(root, "images.txt");
        var labels = ReadPairs(root, "image_class_labels.txt");
        var split = ReadPairs(root, "train_test_split.txt");
        var items = new List<(string, int)>();
        foreach (var (id, rel) in paths.OrderBy(p => p.Key))
        {
            var labelsFile = Path.Combine(root, "image_class_labels.txt");
            if (!labels.TryGetValue(id, out var cls) || !split.TryGetValue(id, out var isTrain))
                throw new DatasetFormatException(root,
                    $"CUB-200-2011 image {id} ({rel}) is in images.txt but lacks a class or a split in image_class_labels.txt / train_test_split.txt.",
                    "Extract CUB_200_2011.tgz again", DatasetDocs.TruncatedFile);
            if (!int.TryParse(cls, out int c) || c < 1 || c > Classes)
                throw new DatasetFormatException(labelsFile,
                    $"CUB-200-2011 {labelsFile}: image {id} has class '{cls}'; expected 1..{Classes}.",
                    "Extract CUB_200_2011.tgz again", DatasetDocs.LabelOutOfRange);
            if ((isTrain == "1") == train) items.Add((Path.Combine(root, "images", rel), c - 1));
        }
        return items;
    }

    /// <summary>Class names from classes.txt without the "001." prefix, else the numbers.</summary>
    public static IReadOnlyList<string> ReadClassNames(string root)
    {
        var path = Path.Combine(root, "classes.txt");
        if (!File.Exists(path)) return Enumerable.Range(1, Classes).Select(i => i.ToString("000")).ToArray();
        var names = ReadPairs(root, "classes.txt");
        return Enumerable.Range(1, Classes).Select(i =>
        {
            var n = names.GetValueOrDefault(i, i.ToString("000"));
            int dot = n.IndexOf('.');
            return (dot >= 0 ? n[(dot + 1)..] : n).Replace('_', ' ');
        }).ToArray();
    }

    /// <summary>Reads a split, each image resized (shorter side) and centre-cropped to <paramref name="size"/>.</summary>
    /// <returns>a dataset of uint8 [N, 3, size, size]</returns>
    public static ImageDataset Read(string root, bool train, int size)
    {
        var items = ListSplit(root, train);
        var pixels = ImageDecoder.DecodeAll(items.Select(p => p.File).ToArray(), size);
        var labels = tensor(items.Select(p => (long)p.Label).ToArray());
        return new ImageDataset($"cub200/{(train ? "train" : "test")}", pixels, labels, Classes, ReadClassNames(root));
    }

    /// <summary>Reads a "&lt;id&gt; &lt;value&gt;" file into a map (ids in file order).</summary>
    internal static Dictionary<int, string> ReadPairs(string root, string name)
    {
        var path = Path.Combine(root, name);
        if (!File.Exists(path))
            throw new DatasetFormatException(path, $"CUB-200-2011 needs {path}, which does not exist.",
                "Extract CUB_200_2011.tgz so that images/ and the .txt lists sit together (see datasets.md#cub-200-2011)", DatasetDocs.MissingFolder);
        var map = new Dictionary<int, string>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            int space = line.IndexOf(' ');
            if (space <= 0 || !int.TryParse(line.AsSpan(0, space), out int id))
                throw new DatasetFormatException(path,
                    $"CUB-200-2011 {path} line {lineNo} is '{line}'; expected '<image id> <value>'.",
                    "Extract CUB_200_2011.tgz again", DatasetDocs.WrongRecordSize);
            map[id] = line[(space + 1)..].Trim();
        }
        return map;
    }
}
