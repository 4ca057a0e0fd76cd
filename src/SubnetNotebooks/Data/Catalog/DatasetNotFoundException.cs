using System.Text;

namespace SubnetNotebooks.Data;

/// <summary>No place the catalog looks holds the dataset; the message lists every place tried and the command that gets it.</summary>
public sealed class DatasetNotFoundException : Exception
{
    /// <param name="info">the dataset</param>
    /// <param name="location">every place tried</param>
    public DatasetNotFoundException(DatasetInfo info, DatasetLocation location) : base(Describe(info, location))
    {
        Info = info;
        Location = location;
    }

    /// <summary>The dataset that was looked for.</summary>
    public DatasetInfo Info { get; }

    /// <summary>Every place tried.</summary>
    public DatasetLocation Location { get; }

    static string Describe(DatasetInfo info, DatasetLocation location)
    {
        var text = new StringBuilder($"Dataset {info.Name} ({info.Title}) was not found. Places tried:");
        foreach (var place in location.Tried) text.Append($"\n  {place.Path}: {place.Outcome}");
        text.Append($"\nGet it with: {info.HowToGet}");
        text.Append($"\nOr pass --data-dir / set SUBNET_DATA to a folder that holds it; see datasets.md#{info.Anchor} and datasets.md#{DatasetDocs.NotFound}.");
        return text.ToString();
    }
}
