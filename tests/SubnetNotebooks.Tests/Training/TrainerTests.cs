using SubnetNotebooks.Data;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

public class TrainerTests() : InTempFolder("subnet-trainer-")
{
    /// <summary>Two classes told apart by the brightness of the left half of a 4x4 image.</summary>
    static ImageDataset Separable(int n, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[n * 16];
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            for (int p = 0; p < 16; p++)
            {
                bool left = p % 4 < 2;
                int baseValue = left && labels[i] == 1 ? 200 : 50;
                pixels[i * 16 + p] = (byte)(baseValue + rng.Next(-40, 40));
            }
        }
        return new ImageDataset("toy", tensor(pixels).reshape(n, 1, 4, 4), tensor(labels), 2);
    }

    sealed class Toy : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Linear hidden = nn.Linear(16, 8), head = nn.Linear(8, 2);
        readonly TorchSharp.Modules.Dropout drop = nn.Dropout(0.2);
        public bool EmitNaN { get; set; }
        public Toy() : base("toy") => RegisterComponents();
        public override Tensor forward(Tensor x)
        {
            var y = head.call(drop.call(nn.functional.relu(hidden.call(x.flatten(1)))));
            return EmitNaN ? y * float.NaN : y;
        }
    }

    static Toy NewToy(long seed) { manual_seed(seed); return new Toy(); }

    static BatchIterator Batches(ImageDataset d) => new(d, 16, Normalization.Identity(1), shuffle: true, seed: 3);

    static TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 16, LearningRate = 0.1, WeightDecay = 1e-4 };

    static float[] Weights(nn.Module m) => m.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void LearnsASeparableProblem()
    {
        using var data = Separable(128, 1);
        var model = NewToy(7);
        var result = Trainer.Fit(model, Batches(data), Options(8), CPU);
        Assert.Equal(8, result.History.Count);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
        var (_, accuracy) = Trainer.Evaluate(model, new BatchIterator(data, 64, Normalization.Identity(1)), CPU);
        Assert.True(accuracy > 0.95, $"accuracy {accuracy}");
    }

    [Fact]
    public void SameSeedGivesIdenticalRuns()
    {
        using var data = Separable(64, 2);
        var a = NewToy(11); var ra = Trainer.Fit(a, Batches(data), Options(3), CPU);
        var b = NewToy(11); var rb = Trainer.Fit(b, Batches(data), Options(3), CPU);
        Assert.Equal(ra.History.Select(h => h.TrainLoss), rb.History.Select(h => h.TrainLoss));
        Assert.Equal(Weights(a), Weights(b));
    }

    [Fact]
    public void InterruptedRunResumesToTheUninterruptedResult()
    {
        using var data = Separable(64, 3);
        var reference = NewToy(5);
        manual_seed(99);
        Trainer.Fit(reference, Batches(data), Options(4), CPU);

        var folder = Path.Combine(_dir, "run");
        var first = NewToy(5);
        manual_seed(99);
        using var cancel = new CancellationTokenSource();
        var stopAfterTwo = new TrainingObserver(onEpoch: e => { if (e.Epoch == 2) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Trainer.Fit(first, Batches(data), Options(4), CPU, "toy", folder, stopAfterTwo, cancellation: cancel.Token));

        var resumed = NewToy(1234); // different initial weights: the checkpoint must overwrite them
        manual_seed(4321);          // different RNG: the checkpoint must restore it
        var result = Trainer.Fit(resumed, Batches(data), Options(4), CPU, "toy", folder);
        Assert.Equal(2, result.ResumedFromEpoch);
        Assert.Equal(4, result.History.Count);
        Assert.Equal(Weights(reference), Weights(resumed));
    }

    [Fact]
    public void NaNLossStopsWithAClearErrorAndKeepsTheLastGoodCheckpoint()
    {
        using var data = Separable(32, 4);
        var folder = Path.Combine(_dir, "nan");
        var model = NewToy(8);
        var poison = new TrainingObserver(onEpoch: e => { if (e.Epoch == 1) model.EmitNaN = true; });
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, Batches(data), Options(3), CPU, "toy-run", folder, poison));
        Assert.Contains("toy-run", error.Message);
        Assert.Contains("epoch 2", error.Message);
        Assert.Contains("NaN", error.Message);
        var restored = NewToy(8);
        var state = Checkpoint.Load(folder, restored, null);
        Assert.Equal(1, state.EpochsDone);
        Assert.All(Weights(restored), w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void TruncatedCheckpointNamesTheFileAndTheFix()
    {
        var folder = Path.Combine(_dir, "bad");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Checkpoint.FileName);
        using (var data = Separable(16, 5))
        {
            var model = NewToy(1);
            Trainer.Fit(model, Batches(data), Options(1), CPU, "toy", folder);
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.ThrowsAny<Exception>(() => Checkpoint.Load(folder, NewToy(1), null));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(LearningRateSchedule.Cosine, 0, 0.1)]
    [InlineData(LearningRateSchedule.Cosine, 5, 0.05)]      // cos(pi/2) = 0: half the base rate
    [InlineData(LearningRateSchedule.Constant, 7, 0.1)]
    [InlineData(LearningRateSchedule.Step, 2, 0.1)]
    [InlineData(LearningRateSchedule.Step, 3, 0.01)]         // past milestone 3
    [InlineData(LearningRateSchedule.Step, 8, 0.001)]        // past milestones 3 and 6
    public void LearningRateFollowsTheSchedule(LearningRateSchedule schedule, int epoch, double expected)
    {
        var options = new TrainingOptions { Epochs = 10, LearningRate = 0.1, Schedule = schedule, StepMilestones = [3, 6] };
        Assert.Equal(expected, options.LearningRateAt(epoch), 9);
    }

    [Fact]
    public void InvalidOptionsAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions { LearningRate = -1 }.Validate("deep/1"));
        Assert.Contains("deep/1", e.Message);
        Assert.Contains("learning rate", e.Message);
    }
}
