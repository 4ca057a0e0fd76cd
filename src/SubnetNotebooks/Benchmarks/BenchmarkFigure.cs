namespace SubnetNotebooks.Benchmarks;

/// <summary>Whether a figure must stay at or below its target (costs) or reach at least it (throughput).</summary>
public enum TargetKind
{
    /// <summary>The ratio must be &lt;= the target.</summary>
    AtMost,
    /// <summary>The ratio must be &gt;= the target.</summary>
    AtLeast,
    /// <summary>No target: the ratio is reported for comparison only.</summary>
    Reported,
}

/// <summary>One efficiency figure: a ratio of two quantities measured side by side in one run.</summary>
/// <param name="Id">short id, a..f</param>
/// <param name="Name">what is compared, e.g. "masked step / dense step"</param>
/// <param name="Ratio">numerator / denominator</param>
/// <param name="Target">the target the ratio is held to</param>
/// <param name="Kind">whether the ratio must stay below or reach the target</param>
/// <param name="Numerator">the numerator with its unit, e.g. "12.3 ms"</param>
/// <param name="Denominator">the denominator with its unit</param>
/// <param name="Notes">contrasts and context, e.g. the deep ensemble's ratio beside it</param>
public sealed record BenchmarkFigure(string Id, string Name, double Ratio, double Target, TargetKind Kind, string Numerator,
    string Denominator, string Notes = "")
{
    /// <summary>True when the ratio meets its target (always for a reported figure).</summary>
    public bool Met => Kind switch { TargetKind.AtMost => Ratio <= Target, TargetKind.AtLeast => Ratio >= Target, _ => true };

    /// <summary>The target as text, e.g. "&lt;= 1.05", or "reported" for a figure without one.</summary>
    public string TargetText => Kind == TargetKind.Reported ? "reported"
        : (Kind == TargetKind.AtMost ? "<= " : ">= ") + Target.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
