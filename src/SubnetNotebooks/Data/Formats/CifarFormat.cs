using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>Which CIFAR-100 label a record's image is given.</summary>
public enum Cifar100Label
{
    /// <summary>The 100 fine classes (the usual benchmark).</summary>
    Fine,
    /// <summary>The 20 coarse superclasses.</summary>
    Coarse,
}

/// <summary>
/// Reads the CIFAR binary format: fixed-size records of label byte(s) followed by 3,072 pixel bytes
/// (1,024 red, 1,024 green, 1,024 blue, rows of 32). CIFAR-10 has one label byte per record;
/// CIFAR-100 two (coarse, then fine).
/// </summary>
public static class CifarFormat
{
    /// <summary>Pixel bytes per record: 3 x 32 x 32.</summary>
    public const int ImageBytes = 3 * 32 * 32;

    /// <summary>Reads a CIFAR-10 batch file (data_batch_1..5.bin, test_batch.bin).</summary>
    /// <param name="path">the batch file</param>
    /// <param name="expectedRecords">records the file must hold (10,000 in the official files); null accepts any whole number</param>
    /// <returns>pixels uint8 [N, 3, 32, 32], labels int64 [N] in 0..9</returns>
    public static (Tensor Pixels, Tensor Labels) ReadCifar10(string path, int? expectedRecords = 10_000) =>
        Read(path, labelBytes: 1, labelIndex: 0, classes: 10, expectedRecords, "CIFAR-10", "cifar-10");

    /// <summary>Reads a CIFAR-100 file (train.bin, test.bin) with its fine or coarse labels.</summary>
    /// <param name="path">the file</param>
    /// <param name="label">fine (100 classes) or coarse (20 classes)</param>
    /// <param name="expectedRecords">records the file must hold (50,000 train, 10,000 test); null accepts any whole number</param>
    /// <returns>pixels uint8 [N, 3, 32, 32], labels int64 [N]</returns>
    public static (Tensor Pixels, Tensor Labels) ReadCifar100(string path, Cifar100Label label, int? expectedRecords)
    {
        // Check both labels against their own range, then keep the asked one.
        var (pixels, coarse, fine) = ReadBoth(path, expectedRecords);
        if (label == Cifar100Label.Fine) { coarse.Dispose(); return (pixels, fine); }
        fine.Dispose();
        return (pixels, coarse);
    }

    /// <summary>Records in a CIFAR file, from its size only; throws when the size is not a whole number of records (or not <paramref name="expectedRecords"/>).</summary>
    /// <param name="path">the CIFAR file</param>
    /// <param name="labelBytes">1 for CIFAR-10, 2 for CIFAR-100</param>
    /// <param name="expectedRecords">records it must hold; null accepts any whole number</param>
    /// <param name="title">"CIFAR-10" or "CIFAR-100", for errors</param>
    /// <param name="anchor">the datasets.md section of the dataset</param>
    public static int CountRecords(string path, int labelBytes, int? expectedRecords, string title, string anchor)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException(path, $"{title} file {path} does not exist.",
                "Download and extract the binary version again", DatasetDocs.MissingFolder);
        int record = labelBytes + ImageBytes;
        long size = new FileInfo(path).Length;
        if (expectedRecords is int n && size != (long)n * record)
            throw new DatasetFormatException(path,
                $"{title} file {path} is {size:N0} bytes; expected {(long)n * record:N0} ({n:N0} records of {record:N0} bytes).",
                $"Re-download it (see datasets.md#{anchor})", size % record == 0 ? DatasetDocs.WrongRecordSize : DatasetDocs.TruncatedFile);
        if (size == 0 || size % record != 0)
            throw new DatasetFormatException(path,
                $"{title} file {path} is {size:N0} bytes, not a whole number of {record:N0}-byte records " +
                $"({labelBytes} label byte{(labelBytes > 1 ? "s" : "")} + {ImageBytes:N0} pixel bytes).",
                $"It is truncated or from the other CIFAR; re-download it (see datasets.md#{anchor})", DatasetDocs.WrongRecordSize);
        return (int)(size / record);
    }

    /// <summary>Class names, one per non-empty line (batches.meta.txt, fine_label_names.txt, coarse_label_names.txt); null when absent.</summary>
    public static IReadOnlyList<string>? ReadClassNames(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray() : null;

    static (Tensor Pixels, Tensor Coarse, Tensor Fine) ReadBoth(string path, int? expectedRecords)
    {
        var (pixels, labels) = ReadRaw(path, 2, new[] { 20, 100 }, expectedRecords, "CIFAR-100", "cifar-100");
        return (pixels, tensor(labels[0]), tensor(labels[1]));
    }

    static (Tensor Pixels, Tensor Labels) Read(string path, int labelBytes, int labelIndex, int classes, int? expectedRecords, string title, string anchor)
    {
        var (pixels, labels) = ReadRaw(path, labelBytes, new[] { classes }, expectedRecords, title, anchor);
        return (pixels, tensor(labels[labelIndex]));
    }

    static (Tensor Pixels, long[][] Labels) ReadRaw(string path, int labelBytes, int[] classes, int? expectedRecords, string title, string anchor)
    {
        int n = CountRecords(path, labelBytes, expectedRecords, title, anchor);
        int record = labelBytes + ImageBytes;
        var bytes = File.ReadAllBytes(path);
        var pixels = new byte[(long)n * ImageBytes];
        var labels = Enumerable.Range(0, labelBytes).Select(_ => new long[n]).ToArray();
        for (int i = 0; i < n; i++)
        {
            int at = i * record;
            for (int k = 0; k < labelBytes; k++)
            {
                int value = bytes[at + k];
                if (value >= classes[k])
                    throw new DatasetFormatException(path,
                        $"{title} file {path}: record {i:N0} has {(labelBytes == 2 ? (k == 0 ? "coarse " : "fine ") : "")}label {value}; " +
                        $"expected 0..{classes[k] - 1}.",
                        $"The file is damaged or from the other CIFAR; re-download it (see datasets.md#{anchor})", DatasetDocs.LabelOutOfRange);
                labels[k][i] = value;
            }
            Buffer.BlockCopy(bytes, at + labelBytes, pixels, i * ImageBytes, ImageBytes);
        }
        return (tensor(pixels, new long[] { n, 3, 32, 32 }), labels);
    }
}
