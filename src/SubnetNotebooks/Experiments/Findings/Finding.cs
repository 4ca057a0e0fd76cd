using System.Globalization;

namespace SubnetNotebooks.Experiments.Findings;

/// <summary>
/// One claim of the paper next to what a run measured: the claim in words, the two numbers it compares and whether the
/// run supports it. Written as "MC dropout's passes disagree less than the deep ensemble's members: no — 0.0467 vs 0.0337".
/// </summary>
/// <param name="Claim">what the paper (or the notebook's prose) predicts, as one sentence without a full stop</param>
/// <param name="Measured">the run's value of the quantity the claim is about</param>
/// <param name="Reference">the value it is compared with</param>
/// <param name="Holds">true when the run supports the claim</param>
/// <param name="Format">.NET numeric format of both numbers, e.g. F4 or P2</param>
public sealed record Finding(string Claim, double Measured, double Reference, bool Holds, string Format = "F4")
{
    /// <summary>"yes" or "no".</summary>
    public string Verdict => Holds ? "yes" : "no";

    /// <summary>The sentence: claim, verdict and the two numbers.</summary>
    public string Sentence =>
        $"{Claim}: {Verdict} — {Measured.ToString(Format, CultureInfo.InvariantCulture)} vs {Reference.ToString(Format, CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => Sentence;

    /// <summary>A claim that <paramref name="measured"/> is below <paramref name="reference"/> (a NaN never holds).</summary>
    public static Finding Lower(string claim, double measured, double reference, string format = "F4") =>
        new(claim, measured, reference, measured < reference, format);

    /// <summary>A claim that <paramref name="measured"/> is above <paramref name="reference"/> (a NaN never holds).</summary>
    public static Finding Higher(string claim, double measured, double reference, string format = "F4") =>
        new(claim, measured, reference, measured > reference, format);

    /// <summary>A predicted direction: <paramref name="measured"/> above <paramref name="reference"/> when <paramref name="higher"/>, else below it.</summary>
    public static Finding Compare(string claim, double measured, double reference, bool higher, string format = "F4") =>
        higher ? Higher(claim, measured, reference, format) : Lower(claim, measured, reference, format);
}
