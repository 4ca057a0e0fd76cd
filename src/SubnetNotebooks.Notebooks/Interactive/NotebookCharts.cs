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

    /// <summary>
    /// Registers the text/html formatter for <see cref="GenericChart"/> (once per process) and, when
    /// called from a notebook cell, displays plotly.js there once per notebook session. Outside a
    /// notebook it only registers the formatter.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                Formatter.Register<GenericChart>((chart, writer) => writer.Write(ToHtml(chart)), HtmlFormatter.MimeType);
                Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), HtmlFormatter.MimeType);
                _registered = true;
            }
        }
        if (KernelInvocationContext.Current is { } context && TryClaimScript(context))
            context.Display(new HtmlString(PlotlyJs.ScriptElement() +
                $"<div style=\"color:gray\">plotly.js {PlotlyJs.Version} loaded for this notebook (offline).</div>"), HtmlFormatter.MimeType);
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
