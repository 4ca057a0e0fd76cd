using Plotly.NET;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Plots;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments;

/// <summary>The charts of an experiment, built from its outcomes; shared by report.html and the notebooks.</summary>
public static class ExperimentCharts
{
    /// <summary>Accuracy, NLL, ECE and Brier score of every method side by side (before temperature scaling).</summary>
    public static GenericChart Quality(IReadOnlyList<MethodOutcome> methods)
    {
        string[] metrics = ["accuracy", "nll", "ece", "brier"];
        var values = new double[methods.Count, metrics.Length];
        for (int i = 0; i < methods.Count; i++)
        {
            var q = methods[i].Report.Test;
            values[i, 0] = q.Accuracy; values[i, 1] = q.Nll; values[i, 2] = q.Ece; values[i, 3] = q.Brier;
        }
        return MethodBars.Create("Quality per method", methods.Select(m => m.Method).ToArray(), metrics, values);
    }

    /// <summary>The reliability diagram of one method's ensemble prediction.</summary>
    public static GenericChart Reliability(MethodOutcome method) => Reliability(method.Report.Test, $"Reliability: {method.Method}");

    /// <summary>A reliability diagram of any quality report.</summary>
    public static GenericChart Reliability(QualityReport quality, string title) =>
        ReliabilityDiagram.Create(quality.Reliability.Select(b => b.MeanConfidence).ToArray(), quality.Reliability.Select(b => b.Accuracy).ToArray(),
            quality.Reliability.Select(b => (long)b.Count).ToArray(), title);

    /// <summary>Training loss per epoch of every training run of one method (parent and members).</summary>
    public static GenericChart TrainingLoss(string method, IReadOnlyList<TrainingResult> runs) =>
        TrainingCurves.Create("training loss", runs.Where(r => r.History.Count > 0)
            .Select(r => new MemberCurve(r.History[0].Run, r.History.Select(h => h.TrainLoss).ToArray())).ToArray(), $"Training loss: {method}");

    /// <summary>The pairwise disagreement matrix of one method's members.</summary>
    public static GenericChart Disagreement(MethodOutcome method) =>
        Heatmaps.Pairwise($"Pairwise disagreement: {method.Method}", Enumerable.Range(1, method.Members).Select(i => $"member {i}").ToArray(),
            ToMatrix(method.Report.Diversity.Disagreement));

    /// <summary>Ensemble NLL against stored parameters, one point per method.</summary>
    public static GenericChart QualityVersusCost(IReadOnlyList<MethodOutcome> methods) =>
        TradeoffScatter.Create("NLL against parameters", "parameters", "test NLL",
            methods.Select(m => new LabelledPoint(m.Method, m.Parameters, m.Report.Test.Nll)).ToArray());

    /// <summary>Mean member accuracy against mean pairwise disagreement, one point per method: the paper's two diagnoses.</summary>
    public static GenericChart MemberQualityVersusDiversity(IReadOnlyList<MethodOutcome> methods) =>
        TradeoffScatter.Create("Member accuracy against diversity", "mean pairwise disagreement", "mean member accuracy",
            methods.Select(m => new LabelledPoint(m.Method, m.Report.Diversity.MeanDisagreement, m.Report.Member.MeanAccuracy)).ToArray());

    /// <summary>Converts a jagged matrix to a rectangular one.</summary>
    public static double[,] ToMatrix(double[][] rows)
    {
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
