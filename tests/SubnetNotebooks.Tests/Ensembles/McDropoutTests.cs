using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Ensembles;

/// <summary>MC dropout's test-time passes: only dropout is random, BatchNorm statistics stay, the seed repeats the passes.</summary>
public class McDropoutTests
{
    const int Passes = 3, Classes = 3;

    static PrunableModel Recipe(long seed, double dropout)
    {
        manual_seed(seed);
        return ModelFactory.Create(new ModelSpec("smallcnn", [4, 8], dropout), 1, 8, 8, Classes);
    }

    static McDropout Trained(long seed, ImageDataset data)
    {
        var options = new TrainingOptions { Epochs = 1, BatchSize = 8, LearningRate = 0.05, MaxBatchesPerEpoch = 2 };
        var ensemble = new McDropout(Recipe, options, Passes, seed, dropout: 0.3);
        ensemble.Fit(new EnsembleTrainingContext(new BatchIterator(data, 8, Normalization.Identity(1), shuffle: true, seed: 1), null, CPU));
        return ensemble;
    }

    static Dictionary<string, double[]> Buffers(McDropout ensemble) =>
        ensemble.Model.named_buffers().ToDictionary(b => b.name, b => { using var d = b.buffer.to(ScalarType.Float64); return d.data<double>().ToArray(); });

    [Fact]
    public void TestTimePassesDifferKeepBatchNormAndRepeatWithTheSeed()
    {
        manual_seed(3);
        using var data = new ImageDataset("toy", randint(0, 256, [24, 1, 8, 8]).to(ScalarType.Byte), randint(0, Classes, [24]), Classes);
        var test = new BatchIterator(data.Take(6), 6, Normalization.Identity(1));
        using var ensemble = Trained(4, data);
        var buffers = Buffers(ensemble);
        Assert.Contains(buffers.Keys, k => k.EndsWith("running_mean"));

        using var first = ensemble.PredictMembers(test, CPU);
        Assert.Equal(new long[] { Passes, 6, Classes }, first.shape);
        for (int a = 0; a < Passes; a++)
            for (int b = a + 1; b < Passes; b++)
            {
                using var diff = (first[a] - first[b]).abs().max();
                Assert.True(diff.item<float>() > 1e-4f, $"passes {a} and {b} are the same: dropout was not stochastic");
            }
        var after = Buffers(ensemble);
        foreach (var (name, values) in buffers) Assert.Equal(values, after[name]); // BatchNorm used its running statistics
        Assert.False(ensemble.Model.training);

        manual_seed(999); // the passes do not depend on torch's default generator
        using var second = ensemble.PredictMembers(test, CPU);
        Assert.Equal(first.data<float>().ToArray(), second.data<float>().ToArray());

        // In evaluation mode without test-time dropout the network is deterministic: one pass differs from every member.
        using var plain = Trainer.PredictProbabilities(ensemble.Model, test, CPU);
        using var gap = (first[0] - plain).abs().max();
        Assert.True(gap.item<float>() > 1e-4f);
    }
}
