namespace SubnetNotebooks.Data;

/// <summary>One place the catalog looked for a dataset, and what it found there.</summary>
/// <param name="Path">folder that was checked</param>
/// <param name="Outcome">"found", or why the dataset is not there</param>
public sealed record DatasetPlace(string Path, string Outcome);

/// <summary>Where a dataset was found, or every place tried.</summary>
/// <param name="Name">catalog name</param>
/// <param name="Found">true when <paramref name="Path"/> holds the dataset</param>
/// <param name="Path">the folder that holds it (null when not found)</param>
/// <param name="Tried">every place checked, in order, up to and including the one that held it</param>
public sealed record DatasetLocation(string Name, bool Found, string? Path, IReadOnlyList<DatasetPlace> Tried);

/// <summary>One split as counted from file headers and sizes (nothing decoded).</summary>
/// <param name="Name">"train" or "test"</param>
/// <param name="Count">samples</param>
/// <param name="Source">the file(s) it comes from</param>
public sealed record SplitSummary(string Name, int Count, string Source);

/// <summary>A dataset's info, location and split counts, read from headers only.</summary>
public sealed record DatasetSummary(DatasetInfo Info, DatasetLocation Location, IReadOnlyList<SplitSummary> Splits);
