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

    static readonly List<string> TempFolders = [];

    static Repository() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteTempFolders();

    /// <summary>A new empty temporary folder, deleted when the test process exits (a notebook run leaves
    /// run folders of tens of megabytes, and a suite run makes dozens).</summary>
    public static string NewTempFolder(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"subnet-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        lock (TempFolders) TempFolders.Add(path);
        return path;
    }

    static void DeleteTempFolders()
    {
        lock (TempFolders)
            foreach (var path in TempFolders)
                try { Directory.Delete(path, recursive: true); }
                catch (IOException) { } // a kernel process still writing there: the OS cleans /tmp
                catch (UnauthorizedAccessException) { }
    }
}
