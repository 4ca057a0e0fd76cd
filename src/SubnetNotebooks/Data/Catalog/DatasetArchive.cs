namespace SubnetNotebooks.Data;

/// <summary>An official file to download: name on disk, source URL and its SHA-256.</summary>
/// <param name="FileName">name it is saved under</param>
/// <param name="Url">where it is downloaded from</param>
/// <param name="Sha256">lower-case hex SHA-256 of the whole file</param>
/// <param name="Bytes">its size when known (shown to the user; the hash is what is checked)</param>
public sealed record DatasetArchive(string FileName, string Url, string Sha256, long? Bytes = null);
