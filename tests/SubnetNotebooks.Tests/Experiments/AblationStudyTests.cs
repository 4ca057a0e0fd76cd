using System.IO.Compression;
using System.Text;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>Ablations on a synthetic digits file: one run folder per variant, the base trained once, the parent shared.</summary>
public class AblationStudyTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("subnet-ablation-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>1,797 lines of 64 values in 0..16 and a label: class k lights pixel row k % 8, with noise.</summary>
    string WriteDigits()
    {
        var folder = Path.Combine(_dir, "data", "digits");
        Directory.CreateDirectory(folder);
        var rng = new Random(7);
        var text = new StringBuilder();
        for (int i = 0; i < 1797; i++)
        {
            int label = i % 10;
            var values = Enumerable.Range(0, 64).Select(p => p / 8 == label % 8 || (label >= 8 && p % 8 == label - 8) ? 12 + rng.Next(5) : rng.Next(4));
            text.Append(string.Join(',', values)).Append(',').Append(label).Append('\n');
        }
        using var file = File.Create(Path.Combine(folder, "digits.csv.gz"));
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.ASCII.GetBytes(text.ToString()));
        return Path.Combine(_dir, "data");
    }

    ExperimentConfig Config() => Profiles.Smoke with
    {
        Dataset = "digits", OodDataset = "", DataDir = WriteDigits(), TrainSamples = 400, TestSamples = 200, ValidationSamples = 100,
        Widths = [16], Members = 2, Epochs = 1, ParentEpochs = 1, SubnetEpochs = 1, BatchSize = 50, Seed = 2,
    };

    /// <summary>Counts the training batches of every run.</summary>
    sealed class BatchCounter : IExperimentObserver
    {
        public Dictionary<string, int> Batches { get; } = [];
        public void OnBatch(BatchProgress p) => Batches[p.Run] = Batches.GetValueOrDefault(p.Run) + 1;
    }

    [Fact]
    public void VariantsOfFieldsAfterTheParentReuseTheBaseParentAndTheBaseIsTrainedOnce()
    {
        var counter = new BatchCounter();
        var root = Path.Combine(_dir, "ablations");
        var study = new AblationStudy(Config(), root, "subnet", counter);

        var sweep = study.Sweep("criterion", "magnitude", "random");

        Assert.Equal(["base", "criterion=random"], sweep.Select(r => r.Name));
        Assert.Same(study.Baseline.Outcome, sweep[0].Outcome);
        // 400 training images in batches of 50: 8 batches per epoch; the parent trained for the base only, the (fused) members twice.
        Assert.Equal(8, counter.Batches["subnet/parent"]);
        Assert.Equal(16, counter.Batches["subnet/fused"]);
        var variant = ExperimentConfig.Load(Path.Combine(root, "criterion-random", "config.json"));
        Assert.Equal((Config() with { Methods = ["subnet"], Criterion = "random" }).ToJson(), variant.ToJson());
        Assert.Equal(2, study.Results.Count);
    }

    [Fact]
    public void AVariantThatChangesTheParentTrainsItsOwnParent()
    {
        var counter = new BatchCounter();
        var study = new AblationStudy(Config(), Path.Combine(_dir, "ablations"), "subnet", counter);

        var variant = study.Variant("parentEpochs", "2");

        Assert.Equal("parentEpochs", variant.Field);
        Assert.Equal(2, variant.Outcome.TrainingRuns[0].History.Count);
        Assert.Equal(16, counter.Batches["subnet/parent"]);
        Assert.False(Directory.Exists(Path.Combine(_dir, "ablations", "base")));
    }
}
