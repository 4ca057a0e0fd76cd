using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Tests.Data;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>Shift metrics on a published corruption benchmark (CIFAR-10-C layout) instead of the synthetic corruptions.</summary>
public class ShiftBenchmarkTests
{
    /// <summary>One member that reads the class off the first pixel: probability 0.9 on round(255 x[0, 0, 0]) mod 10.</summary>
    sealed class FirstPixelEnsemble : IEnsemble
    {
        public int Predicted { get; private set; }
        public string Method => "first-pixel";
        public int Members => 1;
        public void Fit(EnsembleTrainingContext context) { }
        public Tensor PredictMembers(BatchIterator data, Device device)
        {
            var rows = new List<float>();
            foreach (var (images, labels) in data.Epoch(0))
            {
                foreach (var v in images[.., 0, 0, 0].data<float>().ToArray())
                {
                    int k = (int)Math.Round(v * 255) % 10;
                    rows.AddRange(Enumerable.Range(0, 10).Select(c => c == k ? 0.9f : 0.1f / 9));
                }
                images.Dispose(); labels.Dispose();
            }
            Predicted += rows.Count / 10;
            return tensor(rows.ToArray(), [1, rows.Count / 10, 10]);
        }
        public long Parameters => 0;
        public long FlopsPerExample => 0;
        public IReadOnlyList<TrainingResult> TrainingRuns => [];
        public void Dispose() { }
    }

    [Fact]
    public void EveryCorruptionAndSeverityOfTheBenchmarkIsScoredAndTheReportNamesIt()
    {
        using var dir = DatasetFiles.Temp();
        var root = dir.File("CIFAR-10-C");
        Directory.CreateDirectory(root);
        const int n = 6;
        var labels = Enumerable.Range(0, 5 * n).Select(k => (byte)(k * 3 % 10)).ToArray();
        // Severity 1 shows each image's own label in its first pixel; severities 2-5 show label + s - 1: wrong.
        foreach (var (name, shift) in new[] { ("fog", 1), ("snow", 0) })
        {
            var data = new byte[5 * n * 32 * 32 * 3];
            for (int k = 0; k < 5 * n; k++)
            {
                int s = k / n + 1;
                data[k * 3072] = (byte)((labels[k] + shift * (s - 1)) % 10);
            }
            NpyFormat.WriteUInt8(Path.Combine(root, $"{name}.npy"), data, 5 * n, 32, 32, 3);
        }
        NpyFormat.WriteUInt8(Path.Combine(root, "labels.npy"), labels, 5 * n);
        var cleanPixels = zeros([4, 3, 32, 32], ScalarType.Byte);
        cleanPixels[.., 0, 0, 0] = tensor(new byte[] { 1, 2, 3, 4 });
        using var test = new ImageDataset("cifar10/test", cleanPixels, tensor(new long[] { 1, 2, 3, 5 }), 10);
        var benchmark = CorruptionBenchmark.Find("cifar10", dir.Path)!;
        var ensemble = new FirstPixelEnsemble();

        var report = ShiftEvaluation.Measure(ensemble, benchmark, test, Normalization.Identity(3), 4, CPU, samples: 4, seed: 2);

        Assert.StartsWith($"CIFAR-10-C at {root}", report.Source);
        Assert.Equal(0.75, report.Clean.Accuracy, 6); // the fourth clean image shows 4 but is labelled 5
        Assert.Equal(["fog 1", "fog 2", "fog 3", "fog 4", "fog 5", "snow 1", "snow 2", "snow 3", "snow 4", "snow 5"],
            report.Entries.Select(e => $"{e.Corruption} {e.Severity}"));
        foreach (var e in report.Entries)
            Assert.Equal(e.Corruption == "fog" && e.Severity > 1 ? 0.0 : 1.0, e.Quality.Accuracy, 6);
        Assert.Equal(4 + 10 * 4, ensemble.Predicted); // 4 clean, then 4 positions of every corruption and severity
    }

    [Fact]
    public void ShiftBenchmarkIsAutoOrSynthetic()
    {
        Assert.Equal("auto", new ExperimentConfig().ShiftBenchmark);
        Assert.Equal("synthetic", new ExperimentConfig().Set("shiftBenchmark", "synthetic").ShiftBenchmark);
        var e = Assert.Throws<ArgumentException>(() => new ExperimentConfig().Set("shiftBenchmark", "cifar").Validate());
        Assert.Contains("shiftBenchmark must be auto or synthetic", e.Message);
    }
}
