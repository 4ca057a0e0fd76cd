using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// A one-line progress display for long loops ("Training subnetwork 2: 120/469 (26%), 0:14
/// elapsed, loss 0.412") that updates in place in a notebook. Outside a notebook it does nothing.
/// </summary>
public sealed class ProgressDisplay
{
    static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);
    readonly DisplayedValue? _output;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    TimeSpan? _lastDrawn;

    ProgressDisplay(string label, int total)
    {
        Label = label;
        Total = total;
        if (KernelInvocationContext.Current is { } context)
            _output = context.Display(new HtmlString(Line(0, null, finished: false)), HtmlFormatter.MimeType);
    }

    /// <summary>What is being done, e.g. "Training subnetwork 2".</summary>
    public string Label { get; }

    /// <summary>Number of steps in all (0 when unknown).</summary>
    public int Total { get; }

    /// <summary>Steps reported so far.</summary>
    public int Done { get; private set; }

    /// <summary>Shows a progress line in the current notebook cell (nothing outside a notebook).</summary>
    /// <param name="label">What is being done.</param>
    /// <param name="total">Number of steps in all, or 0 when unknown.</param>
    public static ProgressDisplay Start(string label, int total = 0) => new(label, total);

    /// <summary>
    /// Reports <paramref name="done"/> steps finished, with optional detail such as the running loss.
    /// Redraws at most four times a second, and always on the last step.
    /// </summary>
    public void Report(int done, string? detail = null)
    {
        Done = done;
        if (_output is null) return;
        var now = _clock.Elapsed;
        if (_lastDrawn is { } last && now - last < MinInterval && (Total == 0 || done < Total)) return;
        _lastDrawn = now;
        _output.Update(new HtmlString(Line(done, detail, finished: false)));
    }

    /// <summary>Marks the work finished and shows the final line.</summary>
    public void Complete(string? detail = null)
    {
        if (Total > 0) Done = Total;
        _output?.Update(new HtmlString(Line(Done, detail, finished: true)));
    }

    /// <summary>The progress line as HTML (a progress bar and text).</summary>
    internal string Line(int done, string? detail, bool finished)
    {
        var elapsed = _clock.Elapsed;
        string count = Total > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{done}/{Total} ({100.0 * done / Total:0}%)")
            : done.ToString(CultureInfo.InvariantCulture);
        string text = $"{Label}: {count}, {(int)elapsed.TotalMinutes}:{elapsed.Seconds:00} elapsed" +
                      (detail is null ? "" : ", " + detail) + (finished ? " (done)" : "");
        string bar = Total > 0 ? $"<progress value=\"{done}\" max=\"{Total}\" style=\"width:12em\"></progress> " : "";
        return $"<div class=\"subnet-progress\" style=\"font-family:monospace\">{bar}{WebUtility.HtmlEncode(text)}</div>";
    }
}
