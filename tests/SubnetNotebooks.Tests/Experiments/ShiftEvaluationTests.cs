using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Experiments;

public class ShiftEvaluationTests
{
    /// <summary>Two members that always say [0.75, 0.25]; records the normalised images of every prediction.</summary>
    sealed class ConstantEnsemble : IEnsemble
    {
        public List<float[]> Seen { get; } = [];
        public string Method => "constant";
        public int Members => 2;
        public void Fit(EnsembleTrainingContext context) { }
        public Tensor PredictMembers(BatchIterator data, Device device)
        {
            foreach (var (images, labels) in data.Epoch(0))
            {
                Seen.Add(images.data<float>().ToArray());
                images.Dispose(); labels.Dispose();
            }
            return tensor(new[] { 0.75f, 0.25f }).expand(2, data.Data.Count, 2).contiguous();
        }
        public long Parameters => 0;
        public long FlopsPerExample => 0;
        public IReadOnlyList<TrainingResult> TrainingRuns => [];
        public void Dispose() { }
    }

    [Fact]
    public void EveryCorruptionAndSeverityIsPredictedAndScoredAgainstTheTrueLabels()
    {
        // Four 1x2x2 images; the first is [0, 51, 102, 255]; labels [0, 0, 1, 1].
        var pixels = tensor(new byte[] { 0, 51, 102, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120 }, [4, 1, 2, 2]);
        using var test = new ImageDataset("toy/test", pixels, tensor(new long[] { 0, 0, 1, 1 }), 2);
        var ensemble = new ConstantEnsemble();
        var report = ShiftEvaluation.Measure(ensemble, test, new Normalization([0.5f], [0.25f]), 8, CPU,
            corruptions: ["contrast", "gaussian_noise"], severities: [1, 2]);

        Assert.Equal(1 + 2 * 2, ensemble.Seen.Count);
        // Clean images arrive normalised: (p / 255 - 0.5) / 0.25.
        Assert.Equal([-2f, -1.2f, -0.4f, 2f], ensemble.Seen[0].Take(4).Select(v => MathF.Round(v, 4)));
        Assert.Equal([("contrast", 1), ("contrast", 2), ("gaussian_noise", 1), ("gaussian_noise", 2)],
            report.Entries.Select(e => (e.Corruption, e.Severity)));
        // The constant answer is right on the two class-0 images: accuracy 0.5, NLL -(2 ln 0.75 + 2 ln 0.25) / 4.
        double nll = -(2 * Math.Log(0.75) + 2 * Math.Log(0.25)) / 4;
        Assert.All(report.Entries.Select(e => e.Quality).Prepend(report.Clean), q =>
        {
            Assert.Equal(0.5, q.Accuracy, 12);
            Assert.Equal(nll, q.Nll, 6);
        });
    }

    [Fact]
    public void SamplesTakesAClassStratifiedSubset()
    {
        var pixels = tensor(new byte[] { 0, 51, 102, 255, 10, 20, 30, 40, 50, 60, 70, 80 }, [3, 1, 2, 2]);
        using var test = new ImageDataset("toy/test", pixels, tensor(new long[] { 1, 0, 0 }), 2);
        var ensemble = new ConstantEnsemble();
        var report = ShiftEvaluation.Measure(ensemble, test, new Normalization([0.5f], [0.25f]), 8, CPU, samples: 1,
            corruptions: ["contrast"], severities: [3]);
        Assert.Equal(4, ensemble.Seen[0].Length);
        // One of 3 images: class 0 holds 2/3 of them, class 1 1/3, so the one image is of class 0 (not the first image,
        // of class 1). The constant answer (0.75 on class 0) is right: accuracy 1, NLL -log 0.75.
        Assert.Equal(1.0, report.Clean.Accuracy, 12);
        Assert.Equal(-Math.Log(0.75), report.Clean.Nll, 6);
    }
}
