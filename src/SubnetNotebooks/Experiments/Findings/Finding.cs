using System.Globalization;

namespace SubnetNotebooks.Experiments.Findings;

/// <summary>
/// One claim of the paper next to what a run measured: the claim in words, the two numbers it compares and whether the
/// run supports it. Written as "MC dropout's passes disagree less than the deep ensemble's members: no — 0.0467 vs 0.0337".
/// </summary>
/// <param name="Claim">what the paper (or the notebook's prose) predicts, as one sentence without a full stop</param>
/// <param name="Measured">the run's value of the quantity the claim is about (not NaN)</param>
/// <param name="Reference">the value it is compared with (not NaN)</param>
/// <param name="Holds">true when the run supports the claim</param>
/// <param name="Format">.NET numeric format of both numbers, e.g. F4 or P2</param>
public sealed record Finding(string Claim, double Measured, double Reference, bool Holds, string Format = "F4")
{
    /// <summary>The run's value of the quantity the claim is about; never NaN (a NaN fails the construction).</summary>
    public double Measured { get; init; } = Defined(Measured, Claim, "measured");

    /// <summary>The value it is compared with; never NaN (a NaN fails the construction).</summary>
    public double Reference { get; init; } = Defined(Reference, Claim, "reference");

    /// <summary>"yes" or "no".</summary>
    public string Verdict => Holds ? "yes" : "no";

    /// <summary>The sentence: claim, verdict and the two numbers.</summary>
    public string Sentence =>
        $"{Claim}: {Verdict} — {Measured.ToString(Format, CultureInfo.InvariantCulture)} vs {Reference.ToString(Format, CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => Sentence;

    /// <summary>A number a verdict can rest on: a NaN would print "NaN" and read as a plain "no", so it is an error naming the claim.</summary>
    static double Defined(double value, string claim, string which) => double.IsNaN(value)
        ? throw new ArgumentException(
            $"The finding \"{claim}\" has no {which} value (NaN): a metric it compares is undefined in this run. Look the two " +
            "methods up in the run's metrics.json (a NaN there is written \"NaN\"), and train them longer or on more test images.", which)
        : value;

    /// <summary>A claim that <paramref name="measured"/> is below <paramref name="reference"/>.</summary>
    public static Finding Lower(string claim, double measured, double reference, string format = "F4") =>
        new(claim, measured, reference, measured < reference, format);

    /// <summary>A claim that <paramref name="measured"/> is above <paramref name="reference"/>.</summary>
    public static Finding Higher(string claim, double measured, double reference, string format = "F4") =>
        new(claim, measured, reference, measured > reference, format);

    /// <summary>A predicted direction: <paramref name="measured"/> above <paramref name="reference"/> when <paramref name="higher"/>, else below it.</summary>
    public static Finding Compare(string claim, double measured, double reference, bool higher, string format = "F4") =>
        higher ? Higher(claim, measured, reference, format) : Lower(claim, measured, reference, format);
}
