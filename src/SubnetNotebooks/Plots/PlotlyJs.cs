using Plotly.NET;

namespace SubnetNotebooks.Plots;

/// <summary>
/// The full plotly.js source that ships inside Plotly.NET (the same file PlotlyJSReference.Full
/// inlines), so charts render offline: no CDN request anywhere.
/// </summary>
public static class PlotlyJs
{
    static readonly Lazy<string> LazySource = new(ReadSource);

    /// <summary>The plotly.js version Plotly.NET targets, e.g. "2.28.0".</summary>
    public static string Version => Globals.PLOTLYJS_VERSION;

    /// <summary>The minified plotly.js source (about 3.6 MB).</summary>
    public static string Source => LazySource.Value;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c>. The source runs with <c>define</c>,
    /// <c>module</c> and <c>exports</c> hidden, so a page that has require.js (classic Jupyter)
    /// still gets a global Plotly instead of an anonymous AMD module.
    /// </summary>
    public static string ScriptElement() =>
        "<script type=\"text/javascript\">(function(define, module, exports) {\n" + Source + "\n}).call(window);</script>";

    static string ReadSource()
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = $"Plotly.NET.plotly-{Version}.min.js";
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(
                $"Plotly.NET {assembly.GetName().Version} has no embedded resource '{name}' (it has: " +
                string.Join(", ", assembly.GetManifestResourceNames()) + "). Use Plotly.NET 6.0.0 as Directory.Packages.props pins it.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
