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

    const string RunRootPrefix = "subnet-notebook-tests-";

    /// <summary>
    /// This test process's folder under the system's temporary folder, holding every temporary folder of the run. A test host
    /// is stopped soon after its last test, often before a ProcessExit handler has deleted hundreds of megabytes of run
    /// folders, so each run also deletes the folders of earlier runs whose process is gone.
    /// </summary>
    static readonly string RunRoot = CreateRunRoot();

    static Repository() => AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(RunRoot);

    static string CreateRunRoot()
    {
        var temp = Path.GetTempPath();
        foreach (var earlier in Directory.GetDirectories(temp, RunRootPrefix + "*"))
            if (int.TryParse(Path.GetFileName(earlier)[RunRootPrefix.Length..], out var pid) && !IsRunning(pid))
                TryDelete(earlier);
        return Directory.CreateDirectory(Path.Combine(temp, RunRootPrefix + Environment.ProcessId)).FullName;
    }

    static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
    }

    static void TryDelete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { } // a kernel process still writing there: the next run deletes it
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A new empty temporary folder in this run's folder (a notebook run leaves run folders of tens of
    /// megabytes, and a suite run makes dozens), deleted with it when the process exits or by the next run.</summary>
    public static string NewTempFolder(string purpose) =>
        Directory.CreateDirectory(Path.Combine(RunRoot, $"{purpose}-{Guid.NewGuid():N}")).FullName;
}
