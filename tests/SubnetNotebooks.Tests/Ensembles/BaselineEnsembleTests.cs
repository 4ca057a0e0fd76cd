using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Ensembles;

/// <summary>Every efficient baseline trains through Trainer.Fit, checkpoints, resumes and predicts [M, N, C] probabilities.</summary>
public class BaselineEnsembleTests() : InTempFolder("subnet-baselines-")
{
    const int Members = 2, Classes = 3;

    static readonly ModelSpec Spec = new("mlp", [12, 12]);
    static readonly TrainingOptions Options = new() { Epochs = 1, BatchSize = 8, LearningRate = 0.05, MaxBatchesPerEpoch = 3 };

    static PrunableModel Recipe(long seed, double dropout)
    {
        manual_seed(seed);
        return ModelFactory.Create(Spec with { Dropout = dropout }, 1, 4, 4, Classes);
    }

    public static IEnumerable<object[]> MethodNames() => [["batchensemble"], ["mimo"], ["masksembles"], ["packed"], ["overlap"]];

    static JointEnsemble Create(string method) => method switch
    {
        "batchensemble" => new BatchEnsemble(Recipe, Options, Members, 5),
        "mimo" => new Mimo(Spec, 1, 4, 4, Classes, Options, Members, 5, inputRepetition: 0.5, batchRepetition: 2),
        "masksembles" => new Masksembles(Recipe, Options, Members, 5, scale: 2),
        "packed" => new PackedEnsemble(Spec, 1, 4, 4, Classes, Options, Members, 5, alpha: 2, gamma: 2),
        _ => new OverlapEnsemble(Recipe, Options, Members, 5, overlap: 0.5),
    };

    static ImageDataset Data(int n)
    {
        manual_seed(11);
        return new ImageDataset("toy", randint(0, 256, [n, 1, 4, 4]).to(ScalarType.Byte), randint(0, Classes, [n]), Classes);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void PredictsMemberProbabilitiesAndResumesFromItsCheckpoint(string method)
    {
        using var data = Data(30);
        var train = new BatchIterator(data, 8, Normalization.Identity(1), shuffle: true, seed: 2);
        var test = new BatchIterator(data.Take(10), 4, Normalization.Identity(1));
        var context = new EnsembleTrainingContext(train, null, CPU, _dir);

        using var ensemble = Create(method);
        ensemble.Fit(context);
        Assert.Equal(method, ensemble.Method);
        Assert.True(File.Exists(Path.Combine(context.CheckpointFor(method)!, Checkpoint.FileName)));
        using var probs = ensemble.PredictMembers(test, CPU);
        Assert.Equal(new long[] { Members, 10, Classes }, probs.shape);
        Assert.Equal(DeviceType.CPU, probs.device_type);
        var sums = probs.sum(2).data<float>().ToArray();
        Assert.All(sums, s => Assert.Equal(1f, s, 1e-5f));
        Assert.True(ensemble.Parameters > 0 && ensemble.FlopsPerExample > 0);
        Assert.Single(ensemble.TrainingRuns);

        using var resumed = Create(method);
        resumed.Fit(context);
        Assert.Equal(1, resumed.TrainingRuns[0].ResumedFromEpoch);
        using var again = resumed.PredictMembers(test, CPU);
        Assert.Equal(probs.data<float>().ToArray(), again.data<float>().ToArray());
    }

    sealed class CancelAfterEpoch(int epoch, CancellationTokenSource source) : ITrainingObserver
    {
        public void OnEpoch(EpochProgress progress) { if (progress.Epoch == epoch) source.Cancel(); }
    }

    [Theory]
    [InlineData("mimo")]
    [InlineData("batchensemble")]
    [InlineData("masksembles")]
    public void ResumeFromTheMiddleOfAThreeEpochRunEqualsTheUninterruptedRun(string method)
    {
        var options = Options with { Epochs = 3 };
        using var data = Data(30);
        var test = new BatchIterator(data.Take(10), 4, Normalization.Identity(1));
        BatchIterator Train() => new(data, 8, Normalization.Identity(1), shuffle: true, seed: 2);
        JointEnsemble Make() => method switch
        {
            "mimo" => new Mimo(Spec, 1, 4, 4, Classes, options, Members, 5, inputRepetition: 0.5, batchRepetition: 2),
            "batchensemble" => new BatchEnsemble(Recipe, options, Members, 5),
            _ => new Masksembles(Recipe, options, Members, 5, scale: 2),
        };

        using var whole = Make();
        whole.Fit(new EnsembleTrainingContext(Train(), null, CPU, Path.Combine(_dir, "whole")));
        using var reference = whole.PredictMembers(test, CPU);

        var folder = Path.Combine(_dir, "interrupted");
        using (var cancel = new CancellationTokenSource())
        using (var interrupted = Make())
        {
            var context = new EnsembleTrainingContext(Train(), null, CPU, folder, new CancelAfterEpoch(2, cancel), cancel.Token);
            Assert.Throws<OperationCanceledException>(() => interrupted.Fit(context));
        }
        manual_seed(777); // whatever ran in between moved torch's generator
        TrainingRandom.Seed(778);
        using var resumed = Make();
        resumed.Fit(new EnsembleTrainingContext(Train(), null, CPU, folder));
        Assert.Equal(2, resumed.TrainingRuns[0].ResumedFromEpoch);
        Assert.Equal(3, resumed.TrainingRuns[0].History.Count);
        using var probs = resumed.PredictMembers(test, CPU);
        Assert.Equal(reference.data<float>().ToArray(), probs.data<float>().ToArray());
        Assert.Equal(whole.TrainingRuns[0].History[2].TrainLoss, resumed.TrainingRuns[0].History[2].TrainLoss);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void EvaluationForwardIsTheLogOfTheMeanMemberProbability(string method)
    {
        using var ensemble = Create(method);
        using var network = ensemble.CreateNetwork();
        network.eval();
        manual_seed(4);
        using var x = randn(5, 1, 4, 4);
        using var members = network.MemberLogits(x);
        using var mean = members.softmax(2).mean([0]);
        using var ensembleProbs = network.call(x).softmax(1);
        Assert.Equal(mean.data<float>().ToArray(), ensembleProbs.data<float>().ToArray(), new FloatTolerance(1e-6f));
    }

    /// <summary>
    /// Training FLOPs as executed, by hand: one epoch of 3 batches of 8 (MaxBatchesPerEpoch) is 24 examples, and a training
    /// step of one example is 3 x its forward FLOPs. The shared MLP 16-12-12-3 has 2 x (16*12 + 12*12 + 12*3) = 744 forward
    /// FLOPs; BatchEnsemble, Masksembles and the overlap ensemble send each training example through its own member only,
    /// over the dense shared network. MIMO's network reads M = 2 images and gives 2 x 3 logits: 2 x (32*12 + 12*12 + 12*6)
    /// = 1,200, once for each of the 2 batch repetitions. Packed-Ensembles at alpha 2, gamma 2 has layers of
    /// 2 x ceil(2*12 / 4) x 2 = 24 units: 16*24 (one group) + 24*24/4 (four groups) + 24*6/2 (two) = 600 multiply-adds, 1,200 FLOPs.
    /// </summary>
    [Theory]
    [InlineData("batchensemble", 744.0)]
    [InlineData("masksembles", 744.0)]
    [InlineData("overlap", 744.0)]
    [InlineData("mimo", 2 * 1200.0)]
    [InlineData("packed", 1200.0)]
    public void TrainingFlopsCountEveryTrainingExampleAsTheNetworkRanIt(string method, double forwardFlopsPerExample)
    {
        using var data = Data(30);
        using var ensemble = Create(method);
        Assert.Equal(0, ensemble.TrainingFlops);
        ensemble.Fit(new EnsembleTrainingContext(new BatchIterator(data, 8, Normalization.Identity(1), shuffle: true, seed: 2), null, CPU));
        Assert.Equal(24 * 3 * forwardFlopsPerExample, ensemble.TrainingFlops);
    }

    [Fact]
    public void CostsAreCountedForAllMembers()
    {
        using var batch = Create("batchensemble");
        using var be = (BatchEnsembleNetwork)batch.CreateNetwork();
        // Shared MLP fc1 16 -> 12, fc2 12 -> 12, head 12 -> 3 with biases: 16*12+12 + 12*12+12 + 12*3+3 = 399;
        // fast weights M (in + out) per layer and a bias per member and layer (M out).
        Assert.Equal(399 + Members * ((16 + 12) + (12 + 12) + (12 + 3)) + Members * (12 + 12 + 3), be.Parameters);
        Assert.Equal(Members * 2L * (16 * 12 + 12 * 12 + 12 * 3), be.FlopsPerExample);

        using var mimo = Create("mimo");
        using var mn = mimo.CreateNetwork();
        // One body with 2 x 16 inputs and 2 x 3 outputs.
        Assert.Equal(2L * (32 * 12 + 12 * 12 + 12 * 6), mn.FlopsPerExample);
        Assert.Equal(32 * 12 + 12 + 12 * 12 + 12 + 12 * 6 + 6, mn.Parameters);
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
