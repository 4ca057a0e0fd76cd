using SubnetNotebooks.Metrics;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>
/// Reads CIFAR-10-C / CIFAR-100-C (Hendrycks and Dietterich 2019) as published: one folder with &lt;corruption&gt;.npy,
/// uint8 [5 n, 32, 32, 3] (severities 1 to 5 stacked, n = 10,000 test images each, in CIFAR test order), and
/// labels.npy, [5 n] (uint8 or int64).
/// </summary>
public static class CifarCorruptedFormat
{
    /// <summary>Number of severities stacked in every corruption file.</summary>
    public const int Severities = 5;
    const string Anchor = "cifar-10-c-cifar-100-c-tiny-imagenet-c";

    /// <summary>The corruptions of the folder: every .npy file but labels.npy, by name.</summary>
    public static IReadOnlyList<string> Corruptions(string root) =>
        Directory.EnumerateFiles(root, "*.npy").Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Where(n => n != "labels").Order(StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="root"/> has labels.npy and at least one corruption file.</summary>
    public static bool Looks(string root) => File.Exists(Path.Combine(root, "labels.npy")) && Corruptions(root).Count > 0;

    /// <summary>Images per severity: a fifth of the labels in labels.npy.</summary>
    public static int PerSeverity(string root)
    {
        var path = Path.Combine(root, "labels.npy");
        var (labels, _) = Npy(path, NpyFormat.ReadInt64);
        if (labels.Length == 0 || labels.Length % Severities != 0)
            throw new DatasetFormatException(path, $"{path} holds {labels.Length} labels; expected 5 n (50,000 in the published files).",
                "Use the labels.npy of the published archive", DatasetDocs.WrongRecordSize);
        return labels.Length / Severities;
    }

    /// <summary>Reads one corruption at every severity, keeping the images at <paramref name="indices"/> of each severity block.</summary>
    /// <param name="root">the CIFAR-10-C or CIFAR-100-C folder</param>
    /// <param name="corruption">a name from <see cref="Corruptions"/></param>
    /// <param name="classes">classes of the dataset (10 or 100), to check the labels</param>
    /// <param name="indices">positions within a severity block (0 to n - 1); null: all</param>
    /// <returns>one dataset per severity 1 to 5, uint8 [samples, 3, 32, 32]</returns>
    public static IReadOnlyList<ImageDataset> Read(string root, string corruption, int classes, IReadOnlyList<long>? indices = null)
    {
        var path = Path.Combine(root, $"{corruption}.npy");
        var labelsPath = Path.Combine(root, "labels.npy");
        var (pixels, shape) = Npy(path, NpyFormat.ReadUInt8);
        if (shape.Length != 4 || shape[1] != 32 || shape[2] != 32 || shape[3] != 3 || shape[0] % Severities != 0 || shape[0] == 0)
            throw new DatasetFormatException(path,
                $"{path} has shape [{string.Join(", ", shape)}]; expected [5 n, 32, 32, 3] (5 severities of n images, 50,000 for the published files).",
                "Extract the benchmark's archive again", DatasetDocs.WrongRecordSize);
        var (labels, labelShape) = Npy(labelsPath, NpyFormat.ReadInt64);
        if (labelShape.Length != 1 || labelShape[0] != shape[0])
            throw new DatasetFormatException(labelsPath,
                $"{labelsPath} has shape [{string.Join(", ", labelShape)}]; expected [{shape[0]}], one label per image of {Path.GetFileName(path)}.",
                "Use the labels.npy of the same archive", DatasetDocs.WrongRecordSize);
        var bad = labels.Where(l => l < 0 || l >= classes).Take(1).ToArray();
        if (bad.Length > 0)
            throw new DatasetFormatException(labelsPath, $"{labelsPath} holds label {bad[0]}; expected 0 to {classes - 1}.",
                "Use the benchmark of the run's dataset (CIFAR-10-C for cifar10, CIFAR-100-C for cifar100)", DatasetDocs.LabelOutOfRange);
        long n = shape[0] / Severities;
        var keep = indices ?? Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        if (keep.Any(i => i < 0 || i >= n))
            throw new ArgumentOutOfRangeException(nameof(indices), $"{path}: indices must lie in 0..{n - 1} (images per severity).");
        using var all = tensor(pixels, [shape[0], 32, 32, 3]);
        var sets = new List<ImageDataset>();
        for (int s = 0; s < Severities; s++)
        {
            Tensor x;
            using (var scope = NewDisposeScope())
                x = all.index_select(0, tensor(keep.Select(i => s * n + i).ToArray())).permute(0, 3, 1, 2).contiguous().DetachFromDisposeScope();
            var y = tensor(keep.Select(i => labels[s * n + i]).ToArray());
            sets.Add(new ImageDataset($"{Path.GetFileName(root)}/{corruption}/{s + 1}", x, y, classes));
        }
        return sets;
    }

    static (T[] Values, long[] Shape) Npy<T>(string path, Func<string, (T[], long[])> read)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException(path, $"{path} does not exist.", "Extract the benchmark's archive so that every <corruption>.npy and labels.npy sit in one folder", DatasetDocs.MissingFolder);
        try { return read(path); }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, e.Message, "Re-download or re-extract that file; see datasets.md#" + Anchor + " for how to verify it",
                DatasetDocs.TruncatedFile, e);
        }
    }
}
