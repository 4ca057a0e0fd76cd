using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>Ablations on a synthetic digits file: one run folder per variant, the base trained once, the parent shared.</summary>
public class AblationStudyTests() : InTempFolder("subnet-ablation-")
{
    string WriteDigits() => SyntheticDigits.Write(_dir, seed: 7);

    ExperimentConfig Config() => Profiles.Smoke with
    {
        Dataset = "digits", OodDataset = "", DataDir = WriteDigits(), TrainSamples = 400, TestSamples = 200, ValidationSamples = 100,
        Widths = [16], Members = 2, Epochs = 1, ParentEpochs = 1, SubnetEpochs = 1, BatchSize = 50, Seed = 2,
        Execution = "fused", // forced: auto's choice depends on timing, and the test counts the fused run's batches
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
