using SubnetNotebooks.Experiments;
using SubnetNotebooks.Tests.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// Every method's training loop on every model family, trained twice from the same seed: once alone and once beside a
/// thread that forces garbage collections back to back. A Scalar or tensor handed to libtorch without an owner would
/// be freed mid-call under that thread: a native error, or a wrong value that makes the weights differ. So both runs
/// must finish and their predictions (which follow from every weight) must be equal bit for bit.
/// </summary>
[Collection(nameof(GcStressTests))]
public class GcStressTests() : InTempFolder("subnet-gcstress-")
{
    /// <summary>Every method whose training is repeatable (the budgeted ones size their epochs from wall time).</summary>
    static readonly string[] TrainedMethods = ["single", "mcdropout", "deep", "subnet", "batchensemble", "mimo", "masksembles", "packed", "overlap"];

    ExperimentConfig Config(string family, string execution)
    {
        var config = Profiles.Smoke with
        {
            Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 5), TrainSamples = 640, TestSamples = 200,
            ValidationSamples = 100, ShiftSamples = 0, Model = family, Members = 2, Dropout = 0.2, Epochs = 1, ParentEpochs = 1, SubnetEpochs = 1,
            BatchSize = 32, LearningRate = 0.05, Seed = 3, Execution = execution, Methods = TrainedMethods,
        };
        return family switch
        {
            "mlp" => config with { Widths = [32, 32] },
            "smallcnn" => config with { Widths = [4, 8, 8] },
            "resnet18" => config with { Widths = [4, 4, 8, 8] },
            _ => config with { Depth = 10, Widths = [4, 4, 8, 8] },
        };
    }

    [Theory]
    [InlineData("mlp", "fused")]
    [InlineData("mlp", "compact")]
    [InlineData("smallcnn", "fused")]
    [InlineData("resnet18", "fused")]
    [InlineData("resnet18", "compact")]
    [InlineData("wrn", "fused")]
    public void TrainingUnderGarbageCollectionsEqualsTrainingWithout(string family, string execution)
    {
        var config = Config(family, execution);
        var methods = family == "wrn" ? TrainedMethods.Where(m => m != "packed").ToArray() : TrainedMethods; // Packed-Ensembles have no WRN
        var quiet = TrainAndPredict(config, methods, Path.Combine(_dir, "quiet"));
        Dictionary<string, float[]> pressed;
        long collections;
        using (var pressure = new GcPressure())
        {
            pressed = TrainAndPredict(config, methods, Path.Combine(_dir, "pressed"));
            collections = pressure.Collections;
        }
        Assert.True(collections > 20, $"only {collections} collections ran beside training");
        foreach (var method in methods)
            Assert.True(quiet[method].AsSpan().SequenceEqual(pressed[method]),
                $"{family} ({execution}) {method}: the predictions trained under garbage collections differ from those trained without");
    }

    /// <summary>
    /// The rule that makes the test above pass by construction rather than by luck: while the kit trains and predicts, every
    /// tensor it makes on the calling thread belongs to a dispose scope, which keeps it reachable, so no garbage collection
    /// can finalize a temporary (a receiver or argument of a libtorch call that nothing else holds) in the middle of that
    /// call. TorchSharp counts the tensors made outside any scope, per thread.
    /// </summary>
    [Theory]
    [InlineData("mlp", "fused")]
    [InlineData("smallcnn", "compact")]
    [InlineData("resnet18", "fused")]
    [InlineData("wrn", "compact")]
    public void EveryTensorTheKitMakesWhileTrainingBelongsToADisposeScope(string family, string execution)
    {
        // The whole of what a run does per method: build, train, predict, and evaluate (corrupted copies included).
        var config = Config(family, execution) with { ShiftSamples = 40 };
        var methods = family == "wrn" ? TrainedMethods.Where(m => m != "packed").ToArray() : TrainedMethods;
        using var session = ExperimentSession.Open(config, Path.Combine(_dir, "scoped"));
        var outside = new List<string>();
        foreach (var method in methods)
        {
            long before = TorchSharp.DisposeScopeManager.Statistics.CreatedOutsideScopeCount;
            session.Train(method);
            long made = TorchSharp.DisposeScopeManager.Statistics.CreatedOutsideScopeCount - before;
            if (made != 0) outside.Add($"{method}: {made}");
        }
        Assert.True(outside.Count == 0, $"{family} ({execution}): tensors made outside any dispose scope while training and evaluating: {string.Join(", ", outside)}");
    }

    /// <summary>Trains each method (checkpoints in <paramref name="folder"/>) and returns its member probabilities on the test split.</summary>
    static Dictionary<string, float[]> TrainAndPredict(ExperimentConfig config, string[] methods, string folder)
    {
        using var session = ExperimentSession.Open(config, folder);
        var predictions = new Dictionary<string, float[]>();
        foreach (var method in methods)
        {
            using var ensemble = session.Create(method);
            ensemble.Fit(session.Context());
            using var probs = ensemble.PredictMembers(session.Data.EvaluationBatches(session.Data.Test, config), session.Device);
            predictions[method] = probs.data<float>().ToArray();
        }
        return predictions;
    }
}

/// <summary>
/// The tests that force garbage collections from a second thread run alone, after every other collection: the collections
/// reach the whole test process, and the tests' own code (fixtures such as <c>tensor * 2</c> or <c>torch.arange(n)</c>) is
/// free to make temporary Scalars, which only the kit's code must not (<see cref="ScalarGuardTests"/>). A test beside the
/// pressure thread could lose such a Scalar mid-call and take the test host down.
/// </summary>
[CollectionDefinition(nameof(GcStressTests), DisableParallelization = true)]
public sealed class GcStressCollection;
