using SubnetNotebooks.Masking;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Models;

namespace SubnetNotebooks.Experiments;

/// <summary>Ensemble quality before and after temperature scaling (TS, fitted on the validation split).</summary>
public sealed record QualityRow(string Method, int Members, double Accuracy, double Nll, double Ece, double Brier,
    double Temperature, double TsAccuracy, double TsNll, double TsEce, double TsBrier);

/// <summary>Member quality and diversity: the paper's two diagnoses of an ensemble.</summary>
public sealed record MemberRow(string Method, int Members, double MeanMemberAccuracy, double BestMemberAccuracy, double WorstMemberAccuracy,
    double EnsembleAccuracy, double MeanMemberNll, double EnsembleNll, double Disagreement, double Kl, double ErrorCorrelation);

/// <summary>What a method costs next to what it achieves; ExecutedFlopsPerExample is what the implementation computes
/// (above FlopsPerExample where members run the dense network under a mask).</summary>
public sealed record CostRow(string Method, int Members, long Parameters, long FlopsPerExample, double TrainingSeconds,
    double InferenceSeconds, double Accuracy, double Nll, long ExecutedFlopsPerExample);

/// <summary>
/// A method's training cost in both currencies, against MC dropout's in the same run (NaN where MC dropout did not train here or a
/// method's FLOPs are not counted); Budget names the currency of an equal-budget row ("flops" or "seconds"), else "".
/// </summary>
public sealed record TrainingCostRow(string Method, double TrainTeraFlops, double TrainSeconds, double FlopsVsMcDropout, double SecondsVsMcDropout,
    string Budget);

/// <summary>OOD detection by one uncertainty score of one method.</summary>
public sealed record OodRow(string Method, string Score, double Auroc, double Aupr, double FprAt95Tpr);

/// <summary>One subnetwork of a partition: its parameters and FLOPs in the parent, and its share of the parent's parameters.</summary>
public sealed record SubnetworkRow(int Member, long Parameters, long FlopsPerExample, double ParameterShare);

/// <summary>One variant of an ablation with its ensemble's quality.</summary>
public sealed record AblationRow(string Variant, string Field, string Value, double Accuracy, double Nll, double Ece, double Brier,
    double MeanMemberAccuracy, double Disagreement);

/// <summary>Tables of an experiment as rows (a notebook renders a list of rows as a table).</summary>
public static partial class ExperimentTables
{
    /// <summary>One <see cref="QualityRow"/> per method (TS columns NaN without a validation split).</summary>
    public static IReadOnlyList<QualityRow> Quality(IEnumerable<MethodOutcome> methods) => methods.Select(m =>
    {
        var t = m.Report.Test;
        var ts = m.Report.Temperature;
        return new QualityRow(m.Method, m.Members, t.Accuracy, t.Nll, t.Ece, t.Brier, ts?.Temperature ?? double.NaN,
            ts?.Test.Accuracy ?? double.NaN, ts?.Test.Nll ?? double.NaN, ts?.Test.Ece ?? double.NaN, ts?.Test.Brier ?? double.NaN);
    }).ToArray();

    /// <summary>One <see cref="MemberRow"/> per method.</summary>
    public static IReadOnlyList<MemberRow> Members(IEnumerable<MethodOutcome> methods) => methods.Select(m =>
    {
        var r = m.Report;
        return new MemberRow(m.Method, m.Members, r.Member.MeanAccuracy, r.Member.Accuracy.Max(), r.Member.Accuracy.Min(), r.Test.Accuracy,
            r.Member.MeanNll, r.Test.Nll, r.Diversity.MeanDisagreement, r.Diversity.MeanKl, r.Diversity.MeanErrorCorrelation);
    }).ToArray();

    /// <summary>One <see cref="CostRow"/> per method.</summary>
    public static IReadOnlyList<CostRow> Cost(IEnumerable<MethodOutcome> methods) => methods.Select(m =>
        new CostRow(m.Method, m.Members, m.Parameters, m.FlopsPerExample, m.TrainingSeconds, m.InferenceSeconds,
            m.Report.Test.Accuracy, m.Report.Test.Nll, m.ExecutedFlopsPerExample > 0 ? m.ExecutedFlopsPerExample : m.FlopsPerExample)).ToArray();

    /// <summary>One <see cref="TrainingCostRow"/> per method.</summary>
    public static IReadOnlyList<TrainingCostRow> TrainingCost(IReadOnlyList<MethodOutcome> methods)
    {
        var reference = methods.FirstOrDefault(m => m.Method == "mcdropout");
        return methods.Select(m =>
        {
            double flops = m.TrainingFlops ?? double.NaN;
            string budget = m.Budget?.TryGetValue("budget.currency_flops", out var f) == true ? (f == 1 ? "flops" : "seconds") : "";
            return new TrainingCostRow(m.Method, flops / 1e12, m.TrainingSeconds, flops / (reference?.TrainingFlops ?? double.NaN),
                m.TrainingSeconds / (reference?.TrainingSeconds ?? double.NaN), budget);
        }).ToArray();
    }

    /// <summary>One <see cref="OodRow"/> per method and uncertainty score (methods without an OOD report are skipped).</summary>
    public static IReadOnlyList<OodRow> OutOfDistribution(IEnumerable<MethodOutcome> methods) =>
        methods.Where(m => m.Report.OutOfDistribution is not null)
            .SelectMany(m => m.Report.OutOfDistribution!.Scores.Select(s => new OodRow(m.Method, s.Score, s.Auroc, s.Aupr, s.FprAt95Tpr)))
            .ToArray();

    /// <summary>One <see cref="SubnetworkRow"/> per member of <paramref name="partition"/> of <paramref name="model"/>.</summary>
    public static IReadOnlyList<SubnetworkRow> Subnetworks(SubnetworkPartition partition, PrunableModel model)
    {
        var parameters = partition.ParameterCounts(model);
        var flops = partition.FlopsPerExample(model);
        double whole = model.ActiveParameters();
        return Enumerable.Range(0, partition.Members).Select(k => new SubnetworkRow(k + 1, parameters[k], flops[k], parameters[k] / whole)).ToArray();
    }

    /// <summary>One <see cref="AblationRow"/> per variant.</summary>
    public static IReadOnlyList<AblationRow> Ablation(IEnumerable<AblationResult> variants) => variants.Select(v =>
    {
        var r = v.Outcome.Report;
        return new AblationRow(v.Name, v.Field, v.Value, r.Test.Accuracy, r.Test.Nll, r.Test.Ece, r.Test.Brier, r.Member.MeanAccuracy,
            r.Diversity.MeanDisagreement);
    }).ToArray();
}
