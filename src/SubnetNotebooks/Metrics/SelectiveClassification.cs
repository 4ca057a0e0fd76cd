namespace SubnetNotebooks.Metrics;

/// <summary>
/// Selective classification: the classifier accepts the samples it is most confident about and abstains on the rest.
/// Samples are ranked by confidence (high first); accepting the first k of N gives coverage k/N, selective risk
/// E(k)/k (error rate among the accepted) and generalized risk E(k)/N (the fraction of all samples that are accepted
/// AND wrong, Traub et al. 2024), E(k) being the errors among the accepted.
/// Ties: samples of equal confidence cannot be separated by any threshold, so inside a tied group E(k) grows linearly
/// from the group's first to its last position (the expected errors over every order of the tied samples). Every
/// value is then the mean over all orders of the tied samples, and does not depend on the order of the input.
/// Areas use the trapezoid rule over the coverages 1/N, ..., 1, divided by their span 1 − 1/N (as torch-uncertainty's
/// AURC and AUGRC do); they are NaN for a single sample.
/// </summary>
public static class SelectiveClassification
{
    /// <summary>E(k) for k = 0..N: expected errors among the k most confident samples, ties averaged.</summary>
    /// <param name="confidence">[samples] confidence of each prediction (higher: accepted first)</param>
    /// <param name="wrong">[samples] whether each prediction is wrong</param>
    /// <returns>[samples + 1], E(0) = 0</returns>
    public static double[] AcceptedErrors(ReadOnlySpan<double> confidence, ReadOnlySpan<bool> wrong)
    {
        if (confidence.Length != wrong.Length)
            throw new ArgumentException($"Selective classification: {confidence.Length} confidences for {wrong.Length} error indicators; pass one of each per sample.");
        if (confidence.Length == 0)
            throw new ArgumentException("Selective classification needs at least one sample; got none.");
        foreach (double c in confidence)
            if (double.IsNaN(c)) throw new ArgumentException("A confidence is NaN; confidences must be numbers. Check the predictions that produced them.");
        var scores = confidence.ToArray();
        var errors = wrong.ToArray();
        int n = scores.Length;
        int[] order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var accepted = new double[n + 1];
        double before = 0;
        for (int start = 0; start < n;)
        {
            int end = start, groupErrors = 0;
            while (end < n && scores[order[end]] == scores[order[start]])
            {
                if (errors[order[end]]) groupErrors++;
                end++;
            }
            double rate = (double)groupErrors / (end - start);
            for (int k = start + 1; k <= end; k++) accepted[k] = before + (k - start) * rate;
            before += groupErrors;
            accepted[end] = before; // exact at the group's end
            start = end;
        }
        return accepted;
    }

    /// <summary>Area under the selective-risk-coverage curve (Geifman &amp; El-Yaniv 2017): the mean error rate of the accepted over coverage.</summary>
    /// <param name="accepted">[samples + 1] from <see cref="AcceptedErrors"/></param>
    public static double Aurc(ReadOnlySpan<double> accepted) => Area(accepted, (errors, k, _) => errors / k);

    /// <summary>Area under the generalized-risk-coverage curve (Traub et al. 2024): the mean fraction of samples accepted and wrong over coverage.</summary>
    /// <param name="accepted">[samples + 1] from <see cref="AcceptedErrors"/></param>
    public static double Augrc(ReadOnlySpan<double> accepted) => Area(accepted, (errors, _, n) => errors / n);

    /// <summary>Selective risk E(k)/k at the smallest k with k/N ≥ <paramref name="coverage"/>.</summary>
    /// <param name="accepted">[samples + 1] from <see cref="AcceptedErrors"/></param>
    /// <param name="coverage">in (0, 1], e.g. 0.8</param>
    public static double RiskAtCoverage(ReadOnlySpan<double> accepted, double coverage)
    {
        if (!(coverage > 0 && coverage <= 1))
            throw new ArgumentOutOfRangeException(nameof(coverage), $"Coverage {coverage} is outside (0, 1]; pass a fraction such as 0.8.");
        int n = accepted.Length - 1;
        int k = Math.Clamp((int)Math.Ceiling(coverage * n - 1e-9), 1, n);
        return accepted[k] / k;
    }

    /// <summary>The largest coverage k/N whose selective risk E(k)/k is at most <paramref name="risk"/>; 0 when no k reaches it.</summary>
    /// <param name="accepted">[samples + 1] from <see cref="AcceptedErrors"/></param>
    /// <param name="risk">in [0, 1], e.g. 0.05</param>
    public static double CoverageAtRisk(ReadOnlySpan<double> accepted, double risk)
    {
        if (!(risk >= 0 && risk <= 1))
            throw new ArgumentOutOfRangeException(nameof(risk), $"Risk {risk} is outside [0, 1]; pass a fraction such as 0.05.");
        int n = accepted.Length - 1;
        for (int k = n; k >= 1; k--)
            if (accepted[k] <= risk * k + 1e-12) return (double)k / n;
        return 0;
    }

    /// <summary>Trapezoid area of y(E(k), k, N) over coverages k/N, k = 1..N, divided by the span 1 − 1/N.</summary>
    static double Area(ReadOnlySpan<double> accepted, Func<double, int, int, double> y)
    {
        int n = accepted.Length - 1;
        if (n < 2) return double.NaN;
        double sum = 0, previous = y(accepted[1], 1, n);
        for (int k = 2; k <= n; k++)
        {
            double current = y(accepted[k], k, n);
            sum += (previous + current) / 2;
            previous = current;
        }
        return sum / (n - 1);
    }
}
