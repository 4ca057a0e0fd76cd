using Plotly.NET;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Experiments;

public static partial class ExperimentCharts
{
    /// <summary>
    /// The risk-coverage curve of every method's ensemble: the error rate of the accepted samples when only the most
    /// confident fraction (by maximum probability) is accepted; lower is better, and the area under it is the AURC.
    /// </summary>
    /// <param name="methods">evaluated methods</param>
    /// <param name="temperatureScaled">the curves after temperature scaling (methods without a validation split are left out)</param>
    public static GenericChart RiskCoverage(IReadOnlyList<MethodOutcome> methods, bool temperatureScaled = false)
    {
        var series = methods
            .Select(m => (m.Method, Selective: temperatureScaled ? m.Report.Temperature?.Test.Selective : m.Report.Test.Selective))
            .Where(s => s.Selective is not null)
            .Select(s => new LineSeries($"{s.Method} (AURC {ChartLayout.Format(s.Selective!.Aurc)})", s.Selective.Curve.Select(p => p.Coverage).ToArray(),
                s.Selective.Curve.Select(p => p.Risk).ToArray()))
            .ToArray();
        if (series.Length == 0) throw new ArgumentException("No method has a temperature-scaled report: give the run a validation split (validationSamples > 0).");
        return MetricLines.Create(temperatureScaled ? "Risk against coverage (after temperature scaling)" : "Risk against coverage",
            "coverage (fraction accepted, most confident first)", "risk (error rate of the accepted)", series);
    }

    /// <summary>
    /// Disagreement, error correlation and the ensemble's accuracy gain over its mean member against corruption severity
    /// (0: the same images clean; each severity the mean over corruptions), one line per method with a shift report.
    /// </summary>
    public static GenericChart DiversityUnderShift(IReadOnlyList<MethodOutcome> methods)
    {
        var rows = ExperimentTables.DiversityUnderShift(methods.Where(m => m.Shift?.CleanDiversity is not null))
            .Where(r => r.Condition == "clean" || r.Condition.StartsWith("severity ", StringComparison.Ordinal)).ToArray();
        if (rows.Length == 0) throw new ArgumentException("No method has diversity under shift: set shiftSamples above 0 in the config.");
        static double Severity(DiversityRow r) => r.Condition == "clean" ? 0 : double.Parse(r.Condition["severity ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        MetricPanel Panel(string title, Func<DiversityRow, double> value) => new(title, rows.GroupBy(r => r.Method).Select(g =>
        {
            var points = g.Where(r => double.IsFinite(value(r))).OrderBy(Severity).ToArray();
            return new LineSeries(g.Key, points.Select(Severity).ToArray(), points.Select(value).ToArray());
        }).Where(s => s.X.Count > 0).ToArray());
        var panels = new[]
        {
            Panel("mean pairwise disagreement", r => r.Disagreement), Panel("mean error correlation", r => r.ErrorCorrelation),
            Panel("ensemble accuracy gain", r => r.AccuracyGain),
        }.Where(p => p.Series.Count > 0).ToArray();
        return MetricLines.Panels("Diversity: clean against corrupted", "severity (0: clean)", panels);
    }

    /// <summary>Mean pairwise disagreement and KL divergence on the test set against the OOD set, per method with an OOD report.</summary>
    public static GenericChart DiversityOnOod(IReadOnlyList<MethodOutcome> methods)
    {
        var withOod = methods.Where(m => m.Report.OutOfDistribution?.Diversity is not null).ToArray();
        if (withOod.Length == 0) throw new ArgumentException("No method has an OOD report: set oodDataset (e.g. mnist) in the config.");
        string[] columns = ["disagreement (test)", "disagreement (OOD)", "KL (test)", "KL (OOD)"];
        var values = new double[withOod.Length, columns.Length];
        for (int i = 0; i < withOod.Length; i++)
        {
            var r = withOod[i].Report;
            values[i, 0] = r.Diversity.MeanDisagreement; values[i, 1] = r.OutOfDistribution!.Diversity!.Disagreement;
            values[i, 2] = r.Diversity.MeanKl; values[i, 3] = r.OutOfDistribution.Diversity.Kl;
        }
        return MethodBars.Create("Diversity: test against OOD", withOod.Select(m => m.Method).ToArray(), columns, values, "mean over member pairs");
    }
}
