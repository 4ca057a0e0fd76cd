namespace SubnetNotebooks.Data;

/// <summary>How <see cref="DatasetCatalog"/> loads or fetches a dataset.</summary>
public sealed record DatasetLoadOptions
{
    /// <summary>Allow downloading from the official source when no local copy is found; null: only when SUBNET_DOWNLOAD=1.</summary>
    public bool? Download { get; init; }

    /// <summary>Square side that CUB-200 and Tiny-ImageNet images are resized to; null: the dataset's default (256, 64).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Fine (100 classes) or coarse (20 classes) labels for CIFAR-100.</summary>
    public Cifar100Label Cifar100Label { get; init; } = Cifar100Label.Fine;

    /// <summary>Require the official record counts of CIFAR files (10,000 per CIFAR-10 batch); false accepts any whole number of records.</summary>
    public bool OfficialSizes { get; init; } = true;

    /// <summary>Replaces the official download list (a mirror, or a test server); null: the official sources.</summary>
    public IReadOnlyList<DatasetArchive>? Archives { get; init; }

    /// <summary>HTTP client for downloads; null: a new one with a 30-minute timeout.</summary>
    public HttpClient? Http { get; init; }

    /// <summary>True when a download may happen: <see cref="Download"/>, else the SUBNET_DOWNLOAD environment variable.</summary>
    public bool DownloadAllowed => Download ?? Environment.GetEnvironmentVariable("SUBNET_DOWNLOAD") is "1" or "true" or "yes";
}
