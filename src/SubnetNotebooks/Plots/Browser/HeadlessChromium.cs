using System.Diagnostics;

namespace SubnetNotebooks.Plots.Browser;

/// <summary>
/// A headless Chromium (Debian's <c>chromium</c>, or the executable SUBNET_CHROMIUM names) driven over the Chrome DevTools
/// protocol: opens pages offline in a fresh profile, so figures can be rendered and pages checked as a reader sees them.
/// Nothing is downloaded: a missing browser is an error naming the install command.
/// </summary>
/// <example><code>
/// await using var chromium = await HeadlessChromium.StartAsync();
/// await using var page = await chromium.OpenAsync("runs/smoke/report.html", 1400, 900);
/// File.WriteAllBytes("first-screen.png", await page.ScreenshotAsync());
/// </code></example>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>What to run when no browser is found.</summary>
    public const string InstallHint =
        "Install Debian's Chromium (sudo apt-get install -y chromium; scripts/install-deps.sh does it), or set SUBNET_CHROMIUM to a Chromium or Chrome executable.";

    static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    readonly Process _process;
    readonly string _profile;
    readonly DevToolsConnection _devTools;

    HeadlessChromium(Process process, string profile, DevToolsConnection devTools)
    {
        _process = process;
        _profile = profile;
        _devTools = devTools;
    }

    /// <summary>The browser executable: SUBNET_CHROMIUM, else chromium, chromium-browser or google-chrome on the PATH; null when none is there.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("SUBNET_CHROMIUM") is { Length: > 0 } named) return File.Exists(named) ? named : null;
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return Names.SelectMany(n => folders.Select(f => Path.Combine(f, n))).FirstOrDefault(File.Exists);
    }

    /// <summary>Starts a headless browser with a new, empty profile (deleted again on dispose).</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = Find() ?? throw new FileNotFoundException(
            (Environment.GetEnvironmentVariable("SUBNET_CHROMIUM") is { Length: > 0 } named ? $"SUBNET_CHROMIUM names {named}, which does not exist. "
                : $"No Chromium found on the PATH ({string.Join(", ", Names)}). ") + InstallHint);
        var profile = Directory.CreateTempSubdirectory("subnet-chromium-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                     "--allow-file-access-from-files", $"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                     "about:blank",
                 })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}. {InstallHint}");
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var endpoint = await EndpointAsync(profile, process, log);
            using var cancel = new CancellationTokenSource(StartTimeout);
            return new HeadlessChromium(process, profile, await DevToolsConnection.ConnectAsync(endpoint, cancel.Token));
        }
        catch
        {
            Stop(process, profile);
            throw;
        }
    }

    /// <summary>Chromium writes its port and browser path to DevToolsActivePort in the profile once it listens.</summary>
    static async Task<Uri> EndpointAsync(string profile, Process process, System.Text.StringBuilder log)
    {
        var file = Path.Combine(profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Chromium exited with code {process.ExitCode} while starting: {Tail(log)}");
            if (File.Exists(file) && File.ReadAllLines(file) is [var port, var path, ..] && port.Length > 0)
                return new Uri($"ws://127.0.0.1:{port}{path}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"Chromium did not open its DevTools port within {StartTimeout.TotalSeconds:F0} s: {Tail(log)}");
    }

    static string Tail(System.Text.StringBuilder log)
    {
        lock (log) return log.Length > 2000 ? log.ToString(log.Length - 2000, 2000) : log.ToString();
    }

    /// <summary>
    /// Opens <paramref name="location"/> (a file path or URL) in a new tab of <paramref name="width"/> × <paramref name="height"/>
    /// CSS pixels and waits for its load event; the page records console errors and network requests from the start.
    /// </summary>
    /// <param name="location">a file path or a URL</param>
    /// <param name="width">viewport width in CSS pixels</param>
    /// <param name="height">viewport height in CSS pixels</param>
    public async Task<BrowserPage> OpenAsync(string location, int width = 1400, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.NavigateAsync(location.Contains("://", StringComparison.Ordinal) ? location : new Uri(Path.GetFullPath(location)).AbsoluteUri);
        return page;
    }

    /// <summary>A new blank tab of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    /// <param name="width">viewport width in CSS pixels</param>
    /// <param name="height">viewport height in CSS pixels</param>
    public async Task<BrowserPage> NewPageAsync(int width = 1400, int height = 900)
    {
        var target = await _devTools.SendAsync("Target.createTarget", new { url = "about:blank" }, null, BrowserPage.Timeout);
        string targetId = target.GetProperty("targetId").GetString()!;
        var attached = await _devTools.SendAsync("Target.attachToTarget", new { targetId, flatten = true }, null, BrowserPage.Timeout);
        var page = new BrowserPage(_devTools, attached.GetProperty("sessionId").GetString()!, targetId);
        await page.EnableAsync(width, height);
        return page;
    }

    static void Stop(Process process, string profile)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); process.WaitForExit(10_000); }
        catch (InvalidOperationException) { }
        process.Dispose();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try { Directory.Delete(profile, recursive: true); return; }
            catch (IOException) { Thread.Sleep(100); }
            catch (UnauthorizedAccessException) { return; }
        }
    }

    /// <summary>Closes the browser and deletes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await _devTools.SendAsync("Browser.close", null, null, TimeSpan.FromSeconds(5)); }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException) { }
        await _devTools.DisposeAsync();
        Stop(_process, _profile);
    }
}
