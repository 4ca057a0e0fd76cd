namespace SubnetNotebooks.Metrics;

/// <summary>
/// How differently the members predict. Matrices are [members][members]. Means are over pairs
/// i ≠ j; with one member there are no pairs and disagreement, KL and JS are reported as 0
/// (a single model disagrees with nobody). Error correlation is undefined (NaN) for a pair when
/// either member is always right or always wrong; its mean skips such pairs and is NaN if none remain.
/// </summary>
/// <param name="Disagreement">fraction of samples on which members i and j predict different classes</param>
/// <param name="MeanDisagreement">mean over pairs i &lt; j</param>
/// <param name="Kl">KL(p_i ‖ p_j) in nats, averaged over samples (asymmetric)</param>
/// <param name="MeanKl">mean over ordered pairs i ≠ j</param>
/// <param name="JensenShannon">JS divergence in nats, averaged over samples (symmetric, ≤ ln 2)</param>
/// <param name="MeanJensenShannon">mean over pairs i &lt; j</param>
/// <param name="ErrorCorrelation">Pearson correlation of the members' 0/1 error indicators</param>
/// <param name="MeanErrorCorrelation">mean over pairs i &lt; j with a defined correlation</param>
/// <param name="DisagreementOverError">mean disagreement divided by the mean member error rate (Fort et al., 2019); NaN when members make no errors</param>
public sealed record DiversityReport(double[][] Disagreement, double MeanDisagreement, double[][] Kl, double MeanKl,
    double[][] JensenShannon, double MeanJensenShannon, double[][] ErrorCorrelation, double MeanErrorCorrelation,
    double DisagreementOverError)
{
    /// <summary>Measures the diversity of the members of <paramref name="predictions"/>.</summary>
    /// <param name="predictions">[members, samples, classes] probabilities</param>
    public static DiversityReport Measure(Predictions predictions)
    {
        int members = predictions.Members, n = predictions.Samples, classes = predictions.Classes;
        var predicted = new int[members][];
        var wrong = new bool[members][];
        for (int m = 0; m < members; m++)
        {
            predicted[m] = new int[n];
            wrong[m] = new bool[n];
            for (int i = 0; i < n; i++)
            {
                predicted[m][i] = ClassificationScores.ArgMax(predictions.Row(m, i));
                wrong[m][i] = predicted[m][i] != predictions.Labels[i];
            }
        }
        var disagreement = Square(members);
        var kl = Square(members);
        var js = Square(members);
        var correlation = Square(members);
        for (int a = 0; a < members; a++)
            for (int b = 0; b < members; b++)
            {
                if (a == b) { correlation[a][b] = wrong[a].Any(w => w) && !wrong[a].All(w => w) ? 1 : double.NaN; continue; }
                int differ = 0;
                double klSum = 0, jsSum = 0;
                for (int i = 0; i < n; i++)
                {
                    if (predicted[a][i] != predicted[b][i]) differ++;
                    var p = predictions.Row(a, i);
                    var q = predictions.Row(b, i);
                    for (int c = 0; c < classes; c++)
                    {
                        klSum += Divergence(p[c], q[c]);
                        double mid = 0.5 * ((double)p[c] + q[c]);
                        jsSum += 0.5 * Divergence(p[c], mid) + 0.5 * Divergence(q[c], mid);
                    }
                }
                disagreement[a][b] = (double)differ / n;
                kl[a][b] = klSum / n;
                js[a][b] = jsSum / n;
                correlation[a][b] = Pearson(wrong[a], wrong[b]);
            }
        double meanError = wrong.Average(w => w.Count(x => x) / (double)n);
        double meanDisagreement = MeanOffDiagonal(disagreement);
        return new DiversityReport(disagreement, meanDisagreement, kl, MeanOffDiagonal(kl), js, MeanOffDiagonal(js),
            correlation, MeanDefinedOffDiagonal(correlation), meanError > 0 ? meanDisagreement / meanError : double.NaN);
    }

    /// <summary>Scalars under "diversity.disagreement", "diversity.kl", "diversity.js", "diversity.error_correlation", "diversity.disagreement_over_error".</summary>
    public void AddTo(IDictionary<string, double> into)
    {
        into["diversity.disagreement"] = MeanDisagreement;
        into["diversity.kl"] = MeanKl;
        into["diversity.js"] = MeanJensenShannon;
        into["diversity.error_correlation"] = MeanErrorCorrelation;
        into["diversity.disagreement_over_error"] = DisagreementOverError;
    }

    /// <summary>p·ln(p/q) with 0·ln 0 = 0 and q floored at <see cref="ClassificationScores.LogFloor"/>.</summary>
    static double Divergence(double p, double q) =>
        p <= 0 ? 0 : p * (Math.Log(p) - Math.Log(Math.Max(q, ClassificationScores.LogFloor)));

    static double Pearson(bool[] x, bool[] y)
    {
        int n = x.Length;
        double mx = x.Count(v => v) / (double)n, my = y.Count(v => v) / (double)n;
        double cov = 0, vx = 0, vy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = (x[i] ? 1 : 0) - mx, dy = (y[i] ? 1 : 0) - my;
            cov += dx * dy; vx += dx * dx; vy += dy * dy;
        }
        return vx == 0 || vy == 0 ? double.NaN : cov / Math.Sqrt(vx * vy);
    }

    static double[][] Square(int size) => Enumerable.Range(0, size).Select(_ => new double[size]).ToArray();

    static double MeanOffDiagonal(double[][] matrix)
    {
        int size = matrix.Length;
        if (size < 2) return 0;
        double sum = 0;
        for (int a = 0; a < size; a++)
            for (int b = 0; b < size; b++)
                if (a != b) sum += matrix[a][b];
        return sum / (size * (size - 1));
    }

    static double MeanDefinedOffDiagonal(double[][] matrix)
    {
        double sum = 0;
        int count = 0;
        for (int a = 0; a < matrix.Length; a++)
            for (int b = a + 1; b < matrix.Length; b++)
                if (!double.IsNaN(matrix[a][b])) { sum += matrix[a][b]; count++; }
        return count == 0 ? double.NaN : sum / count;
    }
}
