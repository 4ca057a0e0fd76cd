using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Tests.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

public class FusedTrainingTests() : InTempFolder("subnet-fused-")
{
    /// <summary>Random 8x8 images with the channels of <paramref name="family"/>'s tiny model (1 for smallcnn, 3 for resnet18 and wrn).</summary>
    static ImageDataset Noise(int n, string family = "smallcnn")
    {
        manual_seed(31);
        var (channels, classes) = family == "smallcnn" ? (1, 3) : (3, 5);
        return new ImageDataset("noise", randint(0, 256, [n, channels, 8, 8]).to(ScalarType.Byte), randint(0, classes, [n]), classes);
    }

    /// <summary>Two thin members (stripes) of a dense tiny model: SmallCnn [4, 6], ResNet-18 [4, 4, 8, 8] or WRN-10-1, with its weights.</summary>
    static PrunableModel[] Members(string family = "smallcnn", double dropout = 0)
    {
        manual_seed(32);
        using var dense = family == "smallcnn" ? ModelFactory.Create(new ModelSpec("smallcnn", [4, 6], dropout), 1, 8, 8, 3) : TinyModels.ByName(family, dropout);
        return Enumerable.Range(0, 2).Select(k => dense.Compact(TinyModels.Stripe(dense, 2, k))).ToArray();
    }

    static BatchIterator[] Streams(ImageDataset data)
    {
        var channels = data.Channels;
        return [new(data, 8, Normalization.Identity(channels), shuffle: true, seed: 1), new(data, 8, Normalization.Identity(channels), shuffle: true, seed: 2)];
    }

    /// <summary>
    /// lr 0.01: the tiny ResNet's BatchNorm over 1x1 maps of 8 images amplifies float rounding, so at lr 0.05 fused and
    /// independent runs (equal up to the order of summation) drift apart by 3e-5 after one epoch and 6e-3 after two; at
    /// 0.01 they stay within 2e-6.
    /// </summary>
    static TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 8, LearningRate = 0.01, Momentum = 0.9, WeightDecay = 1e-3 };

    static float[] Weights(nn.Module m) => m.state_dict().Values.Where(t => t.dtype == ScalarType.Float32).SelectMany(t => t.data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("wrn")]
    public void FusedMembersTrainLikeIndependentRuns(string family)
    {
        using var data = Noise(family == "smallcnn" ? 40 : 24, family); // 5 (3) batches of 8, a different order per member
        var independent = Members(family);
        var streams = Streams(data);
        for (int k = 0; k < 2; k++) Trainer.Fit(independent[k], streams[k], Options(2), CPU);

        var members = Members(family);
        using var fused = FusedSubnetworks.Fuse(members);
        var result = Trainer.FitMembers(fused, Streams(data), Options(2), CPU);
        fused.CopyInto(members);

        Assert.Equal(2, result.History.Count);
        for (int k = 0; k < 2; k++)
        {
            var expected = Weights(independent[k]);
            var actual = Weights(members[k]);
            Assert.Equal(expected.Length, actual.Length);
            // Relative to the entry's size: running variances and deep BatchNorm scales are far from 1.
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / (1 + Math.Abs(e))).Max();
            Assert.True(worst < 1e-4f, $"{family} member {k + 1}: largest relative difference {worst}");
        }
        foreach (var m in independent.Concat(members)) m.Dispose();
    }

    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("wrn")]
    public void InterruptedFusedRunResumesToTheUninterruptedResult(string family) => ResumeRepeatsTheRun(family, dropout: 0);

    /// <summary>Every fused family drops units with the kit's SeededDropout (TrainingRandom, kept in checkpoints), so a resume repeats the masks.</summary>
    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("wrn")]
    public void FusedDropoutIsSeededAndAResumeRepeatsItsMasks(string family)
    {
        var members = Members(family, dropout: 0.2);
        using (var fused = FusedSubnetworks.Fuse(members))
        {
            Assert.NotEmpty(fused.modules().OfType<SeededDropout>());
            Assert.Empty(fused.modules().OfType<TorchSharp.Modules.Dropout>());
        }
        foreach (var m in members) m.Dispose();
        ResumeRepeatsTheRun(family, dropout: 0.2);
    }

    /// <summary>
    /// Dropout 0.2 in fused and compact ResNet-18 members: the masks differ (one stream of draws for the grouped network, one per
    /// member run), but the module, rate, scaling and places must be the same, so over many passes with dropout on (BatchNorm on its
    /// running statistics) each member's mean logits agree between the formulations within sampling error (z below 5 for every
    /// logit: with 80 logits, chance alone exceeds 4 about once in 400 runs), their pass-to-pass spread too (ratio 0.8 to 1.25),
    /// and dropout visibly acts in both. Another rate, a missing or extra dropout site, or unscaled masks each move these.
    /// </summary>
    [Fact]
    public void FusedAndCompactResNetMembersDropUnitsAlike()
    {
        var members = Members("resnet18", dropout: 0.2);
        using var fused = FusedSubnetworks.Fuse(members);
        using var data = Noise(8, "resnet18");
        using var x = data.Pixels.to(ScalarType.Float32).div(255f);
        static void DropoutOnly(nn.Module m)
        {
            m.eval();
            foreach (var d in m.modules().OfType<SeededDropout>()) d.train();
        }
        DropoutOnly(fused);
        foreach (var m in members) DropoutOnly(m);
        const int passes = 400;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        TrainingRandom.Seed(11);
        using var fusedPasses = stack(Enumerable.Range(0, passes).Select(_ => fused.call(x)).ToArray(), 0);              // [P, M, B, C]
        using var compactPasses = stack(Enumerable.Range(0, passes).Select(_ => stack(members.Select(m => m.call(x)).ToArray(), 0)).ToArray(), 0);
        var (fusedMean, compactMean) = (fusedPasses.mean([0]), compactPasses.mean([0]));
        var (fusedVar, compactVar) = (fusedPasses.var(0), compactPasses.var(0));
        var z = (fusedMean - compactMean).abs() / ((fusedVar + compactVar) / passes).sqrt();
        Assert.True(z.max().item<float>() < 5, $"largest z of the mean logits {z.max().item<float>():F2}");
        double spread = (fusedVar.sqrt().mean() / compactVar.sqrt().mean()).item<float>();
        Assert.InRange(spread, 0.8, 1.25);
        Assert.True(compactVar.sqrt().mean().item<float>() > 1e-3, "dropout acts on the compact members");
        foreach (var m in members) m.Dispose();
    }

    /// <summary>Three epochs in one go equal one epoch, an interruption, and a resume from the checkpoint, bit for bit.</summary>
    void ResumeRepeatsTheRun(string family, double dropout)
    {
        using var data = Noise(24, family);
        var referenceMembers = Members(family, dropout);
        using var reference = FusedSubnetworks.Fuse(referenceMembers);
        Trainer.FitMembers(reference, Streams(data), Options(3), CPU, "fused");

        var folder = Path.Combine(_dir, $"{family}-{dropout}");
        var firstMembers = Members(family, dropout);
        using (var first = FusedSubnetworks.Fuse(firstMembers))
        {
            using var cancel = new CancellationTokenSource();
            var stop = new TrainingObserver(onEpoch: e => { if (e.Epoch == 1) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => Trainer.FitMembers(first, Streams(data), Options(3), CPU, "fused", folder, stop, cancellation: cancel.Token));
        }
        var resumedMembers = Members(family, dropout);
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
