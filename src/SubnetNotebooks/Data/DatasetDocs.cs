namespace SubnetNotebooks.Data;

/// <summary>Section anchors of datasets.md that error messages cite.</summary>
public static class DatasetDocs
{
    public const string MissingFolder = "missing-folder-or-file";
    public const string TruncatedFile = "truncated-file";
    public const string WrongMagicNumber = "wrong-magic-number";
    public const string WrongRecordSize = "wrong-record-size";
    public const string LabelOutOfRange = "label-out-of-range";
    public const string UnreadableImage = "unreadable-image";
    public const string ChecksumMismatch = "checksum-mismatch";
    public const string NotFound = "dataset-not-found";
}
