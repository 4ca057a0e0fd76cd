using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// Makes Plotly.NET charts render in .NET Interactive notebooks (VS Code Polyglot Notebooks and
/// Jupyter) without a network: plotly.js is inlined once per notebook session and every chart
/// draws with that <c>window.Plotly</c>. Unlike Plotly.NET.Interactive, nothing loads from a CDN.
/// </summary>
public static class NotebookCharts
{
    static readonly object Gate = new();
    static readonly ConditionalWeakTable<Kernel, object> LoadedIn = new();
    static bool _registered;

    /// <summary>GenericChart and the concrete types of its cases (Chart, MultiChart).</summary>
    static readonly Type[] ChartTypes =
        [typeof(GenericChart), .. typeof(GenericChart).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(GenericChart)))];

    /// <summary>
    /// Registers the text/html formatter for <see cref="GenericChart"/> (once per process) and, when
    /// called from a notebook cell, displays plotly.js in that cell (every time, so a rerun keeps it);
    /// charts after it reuse that script. Outside a notebook it only registers the formatter.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                // Also for the union's concrete case types: the formatter of the most specific type wins, so a
                // later Plotly.NET.Interactive (registered for GenericChart, loading plotly.js from a CDN) does not
                // replace this one.
                foreach (var type in ChartTypes)
                {
                    Formatter.Register(type, (chart, writer) => writer.Write(ToHtml((GenericChart)chart)), HtmlFormatter.MimeType);
                    Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType);
                }
                _registered = true;
            }
        }
        // Every call from a cell shows plotly.js there, not only the first: a rerun of the set-up cell (Run All
        // twice) replaces that cell's earlier output, and the saved notebook must still carry the script.
        if (KernelInvocationContext.Current is { } context)
        {
            TryClaimScript(context);
            context.Display(new HtmlString(PlotlyJs.ScriptElement() +
                $"<div style=\"color:gray\">plotly.js {PlotlyJs.Version} loaded for this notebook (offline).</div>"), HtmlFormatter.MimeType);
        }
    }

    /// <summary>
    /// A chart as notebook HTML: the chart's div and drawing script, preceded by plotly.js when this
    /// notebook session has not received it yet (or when there is no session to remember it).
    /// </summary>
    public static string ToHtml(GenericChart chart) => ToHtml(chart, ChartHtml.NewId(), out _);

    /// <summary>As <see cref="ToHtml(GenericChart)"/> with a given element id; tells whether plotly.js was included.</summary>
    internal static string ToHtml(GenericChart chart, string id, out bool carriesScript)
    {
        carriesScript = KernelInvocationContext.Current is not { } context || TryClaimScript(context);
        var fragment = ChartHtml.Fragment(chart, id);
        return carriesScript ? PlotlyJs.ScriptElement() + "\n" + fragment : fragment;
    }

    /// <summary>True the first time it is asked for the notebook session (root kernel) of <paramref name="context"/>.</summary>
    static bool TryClaimScript(KernelInvocationContext context)
    {
        var root = context.HandlingKernel?.RootKernel;
        if (root is null) return true;
        lock (Gate)
            return LoadedIn.TryAdd(root, new object());
    }
}
