using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>One member's metric per epoch, e.g. the training loss of subnetwork 2.</summary>
/// <param name="Member">Legend entry, e.g. "subnetwork 2" or "parent".</param>
/// <param name="PerEpoch">[epochs] the metric after each epoch (epoch 1 first).</param>
public sealed record MemberCurve(string Member, IReadOnlyList<double> PerEpoch);

/// <summary>Training curves: one line per ensemble member of a metric (loss or accuracy) against epoch.</summary>
public static class TrainingCurves
{
    /// <summary>Builds one line per member; x is the epoch number, starting at 1.</summary>
    /// <param name="metric">What is plotted, used as the y axis title, e.g. "Training loss".</param>
    /// <param name="members">One curve per member; members may have trained for different numbers of epochs.</param>
    /// <param name="title">Chart title; defaults to "<paramref name="metric"/> per epoch".</param>
    public static GenericChart Create(string metric, IReadOnlyList<MemberCurve> members, string? title = null)
    {
        ChartLayout.RequireNonEmpty(nameof(TrainingCurves), "members", members.Count);
        var traces = members.Select(m =>
            Chart.Line<int, double, string>(Enumerable.Range(1, m.PerEpoch.Count), m.PerEpoch, ShowMarkers: true, Name: m.Member));
        return Chart.Combine(traces).Titled(title ?? $"{metric} per epoch", "Epoch", metric);
    }
}
