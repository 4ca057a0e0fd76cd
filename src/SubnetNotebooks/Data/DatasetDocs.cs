namespace SubnetNotebooks.Data;

/// <summary>Section anchors of datasets.md that error messages cite.</summary>
public static class DatasetDocs
{
    /// <summary>"Missing folder or file": a folder or file the dataset's layout needs is absent.</summary>
    public const string MissingFolder = "missing-folder-or-file";
    /// <summary>"Truncated file": a file is shorter than its header or its official size says.</summary>
    public const string TruncatedFile = "truncated-file";
    /// <summary>"Wrong magic number": an IDX file does not start with the images' or the labels' magic number.</summary>
    public const string WrongMagicNumber = "wrong-magic-number";
    /// <summary>"Wrong record size": records do not have the expected shape (CIFAR record, digits line, image and label counts, list line).</summary>
    public const string WrongRecordSize = "wrong-record-size";
    /// <summary>"Label out of range": a label is outside the dataset's classes.</summary>
    public const string LabelOutOfRange = "label-out-of-range";
    /// <summary>"Unreadable image": a JPEG or PNG file cannot be decoded.</summary>
    public const string UnreadableImage = "unreadable-image";
    /// <summary>"Checksum mismatch": a downloaded file's SHA-256 differs from the official one.</summary>
    public const string ChecksumMismatch = "checksum-mismatch";
    /// <summary>"Dataset not found": no place the kit looks holds the dataset and downloading is not allowed.</summary>
    public const string NotFound = "dataset-not-found";
}
