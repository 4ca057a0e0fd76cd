namespace SubnetNotebooks.Data;

/// <summary>
/// A dataset file or folder that is missing or not in the expected format. The message names the
/// file, what was expected, what was found, and the datasets.md section with the fix.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    /// <param name="file">the offending file or folder</param>
    /// <param name="problem">what was expected and what was found</param>
    /// <param name="fix">what to do about it, without the trailing documentation reference</param>
    /// <param name="anchor">a section of datasets.md, e.g. <see cref="DatasetDocs.TruncatedFile"/></param>
    /// <param name="inner">the underlying error, if any</param>
    public DatasetFormatException(string file, string problem, string fix, string anchor, Exception? inner = null)
        : base($"{problem} {fix}; see datasets.md#{anchor}", inner)
    {
        File = file;
        Anchor = anchor;
    }

    /// <summary>The offending file or folder.</summary>
    public string File { get; }

    /// <summary>The datasets.md section that explains the fix.</summary>
    public string Anchor { get; }
}
