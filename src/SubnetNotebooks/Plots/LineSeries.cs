namespace SubnetNotebooks.Plots;

/// <summary>One named line: y against x (parallel arrays of the same length).</summary>
/// <param name="Name">Legend entry, e.g. "Subnetworks (M=4)".</param>
/// <param name="X">[points] x values, e.g. ensemble sizes or severities.</param>
/// <param name="Y">[points] y values, e.g. accuracy.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>One panel of small multiples: its own y axis and the lines drawn on it.</summary>
/// <param name="YTitle">Panel title and y axis title, e.g. "ensemble NLL".</param>
/// <param name="Series">The lines of this panel; a series of one point is drawn as a lone marker.</param>
public sealed record MetricPanel(string YTitle, IReadOnlyList<LineSeries> Series);
