using System.Text.Json;
using System.Text.Json.Serialization;

namespace SubnetNotebooks.Metrics;

/// <summary>
/// Everything measured about one method's predictions: quality and calibration of the ensemble,
/// the same after temperature scaling (when a validation split was given), the members alone,
/// their diversity, and OOD detection (when an OOD set was given).
/// </summary>
/// <param name="Members">M</param>
/// <param name="Samples">N of the test set</param>
/// <param name="Classes">C</param>
/// <param name="Test">metrics of the averaged ensemble</param>
/// <param name="Temperature">temperature-scaled metrics, or null without a validation split</param>
/// <param name="Member">each member alone and the ensemble's gain</param>
/// <param name="Diversity">pairwise disagreement, divergences and error correlation</param>
/// <param name="OutOfDistribution">OOD detection, or null without an OOD set</param>
public sealed record EvaluationReport(int Members, int Samples, int Classes, QualityReport Test, TemperatureReport? Temperature,
    MemberReport Member, DiversityReport Diversity, OutOfDistributionReport? OutOfDistribution)
{
    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Evaluates test predictions; fits a temperature on <paramref name="validation"/> and scores OOD detection against <paramref name="ood"/> when given.</summary>
    /// <param name="test">[members, samples, classes] test predictions</param>
    /// <param name="validation">[members, n_val, classes] held-out predictions for temperature scaling</param>
    /// <param name="ood">[members, n_ood, classes] predictions on an OOD set (labels ignored)</param>
    /// <param name="bins">confidence bins for the calibration errors</param>
    public static EvaluationReport Evaluate(Predictions test, Predictions? validation = null, Predictions? ood = null, int bins = CalibrationError.DefaultBins) =>
        new(test.Members, test.Samples, test.Classes, QualityReport.Measure(test, bins),
            validation is null ? null : TemperatureReport.Measure(test, validation, bins),
            MemberReport.Measure(test), DiversityReport.Measure(test),
            ood is null ? null : OutOfDistributionReport.Measure(test, ood));

    /// <summary>
    /// All scalars under stable keys: "members", "accuracy", "nll", "brier", "ece", "mce", "ace",
    /// "classwise_ece", "ts.*", "member.*", "ensemble.*", "diversity.*", "ood.*" (see each part's AddTo).
    /// Undefined values are NaN.
    /// </summary>
    public IReadOnlyDictionary<string, double> Flatten()
    {
        var into = new Dictionary<string, double> { ["members"] = Members, ["samples"] = Samples, ["classes"] = Classes };
        Test.AddTo(into);
        Temperature?.AddTo(into);
        Member.AddTo(into);
        Diversity.AddTo(into);
        OutOfDistribution?.AddTo(into);
        return into;
    }

    /// <summary>The whole report (matrices and reliability bins included) as indented JSON; NaN is written as "NaN".</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (folders are created).</summary>
    public void SaveJson(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToJson());
    }
}
