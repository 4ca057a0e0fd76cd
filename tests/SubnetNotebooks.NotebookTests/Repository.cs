namespace SubnetNotebooks.NotebookTests;

/// <summary>Locations in the checkout the tests run from.</summary>
static class Repository
{
    /// <summary>The folder holding SubnetNotebooks.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>notebooks/ in the checkout.</summary>
    public static string Notebooks => Path.Combine(Root, "notebooks");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SubnetNotebooks.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No SubnetNotebooks.sln above {AppContext.BaseDirectory}: run the tests from a checkout of the repository.");
    }

    /// <summary>A new empty temporary folder.</summary>
    public static string NewTempFolder(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"subnet-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
