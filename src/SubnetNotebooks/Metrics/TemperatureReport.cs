namespace SubnetNotebooks.Metrics;

/// <summary>Temperature scaling fitted on validation and every test metric after it.</summary>
/// <param name="Temperature">the fitted T</param>
/// <param name="ValidationNllBefore">validation NLL at T = 1</param>
/// <param name="ValidationNllAfter">validation NLL at the fitted T</param>
/// <param name="Test">test metrics of the tempered ensemble</param>
public sealed record TemperatureReport(double Temperature, double ValidationNllBefore, double ValidationNllAfter, QualityReport Test)
{
    /// <summary>Fits T on <paramref name="validation"/> and measures <paramref name="test"/> at that T.</summary>
    /// <param name="test">[members, samples, classes] test predictions</param>
    /// <param name="validation">[members, samples, classes] held-out predictions of the same ensemble</param>
    /// <param name="bins">confidence bins for the calibration errors</param>
    public static TemperatureReport Measure(Predictions test, Predictions validation, int bins = CalibrationError.DefaultBins)
    {
        if (validation.Members != test.Members || validation.Classes != test.Classes)
            throw new ArgumentException($"Validation predictions are [{validation.Members}, {validation.Samples}, {validation.Classes}] and test predictions [{test.Members}, {test.Samples}, {test.Classes}]; members and classes must agree (same ensemble, same task).");
        double t = TemperatureScaling.Fit(validation);
        return new TemperatureReport(t, TemperatureScaling.NegativeLogLikelihood(validation, 1),
            TemperatureScaling.NegativeLogLikelihood(validation, t), QualityReport.Measure(TemperatureScaling.Apply(test, t), bins));
    }

    /// <summary>Scalars under "ts.temperature", "ts.validation_nll_before", "ts.validation_nll_after" and "ts.{metric}".</summary>
    public void AddTo(IDictionary<string, double> into)
    {
        into["ts.temperature"] = Temperature;
        into["ts.validation_nll_before"] = ValidationNllBefore;
        into["ts.validation_nll_after"] = ValidationNllAfter;
        Test.AddTo(into, "ts.");
    }
}
