using System.Text.Json;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>
/// A run folder is enough to check its numbers: predictions/&lt;method&gt;.npy, &lt;method&gt;.logits.npy and labels.npy
/// recompute metrics.json's selective-classification metrics here, by formulas written independently of the kit's.
/// </summary>
public class RunFolderRecomputationTests() : InTempFolder("subnet-recompute-")
{
    [Fact]
    public void Metrics_json_follows_from_the_stored_npy_files()
    {
        var config = Profiles.Smoke with
        {
            Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 6), TrainSamples = 0, TestSamples = 300,
            ValidationSamples = 100, ShiftSamples = 0, Model = "mlp", Widths = [16, 16], Members = 2, Methods = ["single", "deep"],
            Epochs = 1, BatchSize = 64, Seed = 1,
        };
        var run = Path.Combine(_dir, "run");
        ExperimentRunner.Run(config, run);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var (labels, _) = NpyFormat.ReadInt64(Path.Combine(run, "predictions", "labels.npy"));
        foreach (var method in config.Methods)
        {
            var (probs, shape) = NpyFormat.ReadFloat32(Path.Combine(run, "predictions", $"{method}.npy"));
            var (logits, logitShape) = NpyFormat.ReadFloat32(Path.Combine(run, "predictions", $"{method}.logits.npy"));
            Assert.Equal(shape, logitShape);
            int members = (int)shape[0], n = (int)shape[1], classes = (int)shape[2];
            Assert.Equal(n, labels.Length);

            // The probabilities are the softmax of the logits, row by row.
            for (int row = 0; row < members * n; row++)
            {
                var z = logits.AsSpan(row * classes, classes).ToArray();
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                for (int c = 0; c < classes; c++)
                    Assert.True(Math.Abs(Math.Exp(z[c] - max) / sum - probs[row * classes + c]) < 1e-6, $"{method} row {row} class {c}");
            }

            // Ensemble confidence and correctness.
            var confidence = new double[n];
            var wrong = new bool[n];
            for (int i = 0; i < n; i++)
            {
                var mean = Enumerable.Range(0, classes).Select(c => Enumerable.Range(0, members).Average(m => (double)probs[(m * n + i) * classes + c])).ToArray();
                int predicted = Array.IndexOf(mean, mean.Max());
                confidence[i] = mean[predicted];
                wrong[i] = predicted != labels[i];
            }
            // E(k): errors of the samples strictly more confident than the k-th, plus the tied group's error rate for the rest.
            var sorted = confidence.OrderDescending().ToArray();
            double Errors(int k)
            {
                double t = sorted[k - 1];
                int higher = confidence.Count(c => c > t), tied = confidence.Count(c => c == t);
                int higherErrors = Enumerable.Range(0, n).Count(i => confidence[i] > t && wrong[i]);
                int tiedErrors = Enumerable.Range(0, n).Count(i => confidence[i] == t && wrong[i]);
                return higherErrors + (k - higher) * (double)tiedErrors / tied;
            }
            var risk = Enumerable.Range(1, n).Select(k => Errors(k) / k).ToArray();
            var generalized = Enumerable.Range(1, n).Select(k => Errors(k) / n).ToArray();
            double aurc = Enumerable.Range(0, n - 1).Sum(k => (risk[k] + risk[k + 1]) / 2) / (n - 1);
            double augrc = Enumerable.Range(0, n - 1).Sum(k => (generalized[k] + generalized[k + 1]) / 2) / (n - 1);
            int at80 = (int)Math.Ceiling(0.8 * n - 1e-9);
            int lastWithin5 = Enumerable.Range(1, n).LastOrDefault(k => risk[k - 1] <= 0.05);

            var stored = metrics.RootElement.GetProperty(method);
            Assert.Equal(aurc, stored.GetProperty("aurc").GetDouble(), 9);
            Assert.Equal(augrc, stored.GetProperty("augrc").GetDouble(), 9);
            Assert.Equal(risk[at80 - 1], stored.GetProperty("risk_at_80_coverage").GetDouble(), 9);
            Assert.Equal((double)lastWithin5 / n, stored.GetProperty("coverage_at_5_risk").GetDouble(), 9);
            Assert.True(stored.TryGetProperty("ts.aurc", out _), $"{method}: ts.aurc");
        }
    }
}
