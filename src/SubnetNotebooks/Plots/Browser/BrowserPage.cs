using System.Text.Json;

namespace SubnetNotebooks.Plots.Browser;

/// <summary>
/// One tab of a <see cref="HeadlessChromium"/>: navigate, evaluate JavaScript, take screenshots and print to PDF. From the
/// moment it opens it records every JavaScript error (console.error, uncaught exceptions, error log entries) and every
/// request that leaves the machine (any URL but file:, data:, blob: and about:).
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    static readonly string[] LocalSchemes = ["file:", "data:", "blob:", "about:", "devtools:", "chrome:", "chrome-extension:"];
    readonly DevToolsConnection _devTools;
    readonly string _session;
    readonly string _target;
    readonly object _gate = new();
    readonly List<string> _errors = [];
    readonly List<string> _requests = [];
    TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal BrowserPage(DevToolsConnection devTools, string session, string target)
    {
        _devTools = devTools;
        _session = session;
        _target = target;
        devTools.Listen(session, OnEvent);
    }

    /// <summary>Every JavaScript error seen so far, as text.</summary>
    public IReadOnlyList<string> ConsoleErrors { get { lock (_gate) return _errors.ToArray(); } }

    /// <summary>Every request to the network seen so far (its URL).</summary>
    public IReadOnlyList<string> NetworkRequests { get { lock (_gate) return _requests.ToArray(); } }

    internal async Task EnableAsync(int width, int height)
    {
        foreach (var domain in new[] { "Page.enable", "Runtime.enable", "Log.enable", "Network.enable" }) await SendAsync(domain);
        await SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });
    }

    /// <summary>Loads <paramref name="url"/> and waits for its load event.</summary>
    /// <param name="url">the address to load, e.g. file:///tmp/run/report.html</param>
    public async Task NavigateAsync(string url)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = await SendAsync("Page.navigate", new { url });
        if (answer.TryGetProperty("errorText", out var error) && error.GetString() is { Length: > 0 } text)
            throw new IOException($"Chromium could not open {url}: {text}");
        if (await Task.WhenAny(_loaded.Task, Task.Delay(Timeout)) != _loaded.Task)
            throw new TimeoutException($"{url} did not finish loading within {Timeout.TotalSeconds:F0} s.");
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its value as JSON.</summary>
    /// <param name="expression">JavaScript; its value must be JSON-serialisable</param>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var answer = await SendAsync("Runtime.evaluate", new { expression, awaitPromise = true, returnByValue = true });
        if (answer.TryGetProperty("exceptionDetails", out var details))
            throw new InvalidOperationException($"JavaScript failed in the page: {Describe(details)}");
        var result = answer.GetProperty("result");
        return result.TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>A PNG of the viewport, or of the whole page when <paramref name="fullPage"/>.</summary>
    /// <param name="fullPage">true: the whole scrollable page; false: what the window shows</param>
    public async Task<byte[]> ScreenshotAsync(bool fullPage = false)
    {
        if (!fullPage) return Bytes(await SendAsync("Page.captureScreenshot", new { format = "png" }));
        var size = (await SendAsync("Page.getLayoutMetrics")).GetProperty("cssContentSize");
        return await ScreenshotAsync(0, 0, size.GetProperty("width").GetDouble(), size.GetProperty("height").GetDouble());
    }

    /// <summary>A PNG of the page region at (<paramref name="x"/>, <paramref name="y"/>) of <paramref name="width"/> × <paramref name="height"/> CSS pixels (page coordinates).</summary>
    /// <param name="x">left edge in CSS pixels from the page's left</param>
    /// <param name="y">top edge in CSS pixels from the page's top</param>
    /// <param name="width">width in CSS pixels</param>
    /// <param name="height">height in CSS pixels</param>
    public async Task<byte[]> ScreenshotAsync(double x, double y, double width, double height) =>
        Bytes(await SendAsync("Page.captureScreenshot",
            new { format = "png", captureBeyondViewport = true, clip = new { x, y, width, height, scale = 1 } }));

    /// <summary>A PNG of the first element matching <paramref name="selector"/>.</summary>
    /// <param name="selector">a CSS selector, e.g. #reliability</param>
    public async Task<byte[]> ScreenshotElementAsync(string selector)
    {
        var box = await EvaluateAsync(
            $"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); if (!e) return null; const r = e.getBoundingClientRect(); " +
            "return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height }; })()");
        if (box.ValueKind != JsonValueKind.Object) throw new ArgumentException($"The page has no element matching {selector}.", nameof(selector));
        return await ScreenshotAsync(box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("width").GetDouble(),
            box.GetProperty("height").GetDouble());
    }

    /// <summary>The page printed to a PDF of one <paramref name="widthInches"/> × <paramref name="heightInches"/> page size, without margins.</summary>
    /// <param name="widthInches">paper width in inches (CSS: 96 px an inch)</param>
    /// <param name="heightInches">paper height in inches</param>
    public async Task<byte[]> PrintToPdfAsync(double widthInches, double heightInches) =>
        Bytes(await SendAsync("Page.printToPDF", new
        {
            paperWidth = widthInches, paperHeight = heightInches, marginTop = 0, marginBottom = 0, marginLeft = 0, marginRight = 0,
            printBackground = true, preferCSSPageSize = false,
        }));

    static byte[] Bytes(JsonElement answer) => Convert.FromBase64String(answer.GetProperty("data").GetString()!);

    Task<JsonElement> SendAsync(string method, object? parameters = null) => _devTools.SendAsync(method, parameters, _session, Timeout);

    void OnEvent(string method, JsonElement data)
    {
        switch (method)
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Runtime.exceptionThrown":
                Record(_errors, "uncaught: " + Describe(data.GetProperty("exceptionDetails")));
                break;
            case "Runtime.consoleAPICalled" when data.GetProperty("type").GetString() is "error" or "assert":
                Record(_errors, "console.error: " + string.Join(" ", data.GetProperty("args").EnumerateArray().Select(a =>
                    a.TryGetProperty("value", out var v) ? v.ToString() : a.TryGetProperty("description", out var d) ? d.GetString() : a.ToString())));
                break;
            case "Log.entryAdded" when data.GetProperty("entry").GetProperty("level").GetString() == "error":
                var entry = data.GetProperty("entry");
                Record(_errors, $"log: {entry.GetProperty("text").GetString()} {(entry.TryGetProperty("url", out var u) ? u.GetString() : "")}".Trim());
                break;
            case "Network.requestWillBeSent":
                var url = data.GetProperty("request").GetProperty("url").GetString() ?? "";
                if (!LocalSchemes.Any(s => url.StartsWith(s, StringComparison.OrdinalIgnoreCase))) Record(_requests, url);
                break;
        }
    }

    void Record(List<string> list, string text)
    {
        lock (_gate) list.Add(text);
    }

    static string Describe(JsonElement details) =>
        details.TryGetProperty("exception", out var e) && e.TryGetProperty("description", out var d) ? d.GetString()!
            : details.TryGetProperty("text", out var t) ? t.GetString()! : details.ToString();

    /// <summary>Closes the tab.</summary>
    public async ValueTask DisposeAsync()
    {
        _devTools.Forget(_session);
        try { await _devTools.SendAsync("Target.closeTarget", new { targetId = _target }, null, TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException) { }
    }
}
