using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

public class FusedTrainingTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("subnet-fused-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static ImageDataset Noise(int n)
    {
        manual_seed(31);
        return new ImageDataset("noise", randint(0, 256, [n, 1, 8, 8]).to(ScalarType.Byte), randint(0, 3, [n]), 3);
    }

    /// <summary>Two thin SmallCnn members of a dense [4, 6] model (stripes), with the parent's weights.</summary>
    static PrunableModel[] Members()
    {
        manual_seed(32);
        using var dense = ModelFactory.Create(new ModelSpec("smallcnn", [4, 6]), 1, 8, 8, 3);
        return Enumerable.Range(0, 2).Select(k =>
            dense.Compact(new(dense.UnitGroups.ToDictionary(g => g.Name, g => Enumerable.Range(0, g.Units).Select(i => i % 2 == k).ToArray())))).ToArray();
    }

    static BatchIterator[] Streams(ImageDataset data) =>
        [new(data, 8, Normalization.Identity(1), shuffle: true, seed: 1), new(data, 8, Normalization.Identity(1), shuffle: true, seed: 2)];

    static TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 8, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-3 };

    static float[] Weights(nn.Module m) => m.state_dict().Values.Where(t => t.dtype == ScalarType.Float32).SelectMany(t => t.data<float>().ToArray()).ToArray();

    [Fact]
    public void FusedMembersTrainLikeIndependentRuns()
    {
        using var data = Noise(40); // 5 batches of 8, a different order per member
        var independent = Members();
        var streams = Streams(data);
        for (int k = 0; k < 2; k++) Trainer.Fit(independent[k], streams[k], Options(2), CPU);

        var members = Members();
        using var fused = FusedSubnetworks.Fuse(members);
        var result = Trainer.FitMembers(fused, Streams(data), Options(2), CPU);
        fused.CopyInto(members);

        Assert.Equal(2, result.History.Count);
        for (int k = 0; k < 2; k++)
        {
            var expected = Weights(independent[k]);
            var actual = Weights(members[k]);
            Assert.Equal(expected.Length, actual.Length);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst < 1e-4f, $"member {k + 1}: largest difference {worst}");
        }
        foreach (var m in independent.Concat(members)) m.Dispose();
    }

    [Fact]
    public void InterruptedFusedRunResumesToTheUninterruptedResult()
    {
        using var data = Noise(24);
        var referenceMembers = Members();
        using var reference = FusedSubnetworks.Fuse(referenceMembers);
        Trainer.FitMembers(reference, Streams(data), Options(3), CPU);

        var folder = Path.Combine(_dir, "fused");
        var firstMembers = Members();
        using (var first = FusedSubnetworks.Fuse(firstMembers))
        {
            using var cancel = new CancellationTokenSource();
            var stop = new TrainingObserver(onEpoch: e => { if (e.Epoch == 1) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => Trainer.FitMembers(first, Streams(data), Options(3), CPU, "fused", folder, stop, cancellation: cancel.Token));
        }
        var resumedMembers = Members();
        using var resumed = FusedSubnetworks.Fuse(resumedMembers);
        var result = Trainer.FitMembers(resumed, Streams(data), Options(3), CPU, "fused", folder);
        Assert.Equal(1, result.ResumedFromEpoch);
        Assert.Equal(Weights(reference), Weights(resumed));
        foreach (var m in referenceMembers.Concat(firstMembers).Concat(resumedMembers)) m.Dispose();
    }

    [Fact]
    public void MemberStreamsOfDifferentSizesAreRejected()
    {
        using var data = Noise(16);
        using var other = Noise(24);
        var members = Members();
        using var fused = FusedSubnetworks.Fuse(members);
        BatchIterator[] streams = [new(data, 8, Normalization.Identity(1)), new(other, 8, Normalization.Identity(1))];
        var error = Assert.Throws<ArgumentException>(() => Trainer.FitMembers(fused, streams, Options(1), CPU, "fused"));
        Assert.Contains("same data size", error.Message);
        foreach (var m in members) m.Dispose();
    }
}
