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

    /// <summary>[rows, features] float values of a tensor, copied out of any dispose scope.</summary>
    static (float[] Values, long Columns) Rows(Tensor t)
    {
        using var flat = t.detach().cpu().flatten(1);
        return (flat.data<float>().ToArray(), flat.shape[1]);
    }

    /// <summary>x W^T + b by hand: [rows, in] inputs, [out, in] weight, [out] bias.</summary>
    static double[] Dense(float[] x, long inputs, float[] weight, float[] bias)
    {
        long rows = x.Length / inputs, outputs = bias.Length;
        var y = new double[rows * outputs];
        for (long r = 0; r < rows; r++)
            for (long o = 0; o < outputs; o++)
            {
                double sum = bias[o];
                for (long i = 0; i < inputs; i++) sum += x[r * inputs + i] * weight[o * inputs + i];
                y[r * outputs + o] = sum;
            }
        return y;
    }

    /// <summary>
    /// MLP 64-64-64-3 with dropout p = 0.3 (the model puts dropout after each hidden layer's ReLU, none on the image or
    /// the logits). Pre-hooks record what each linear layer reads in the test-time passes, so the test can check, against
    /// W x + b computed here from the layer before: the first layer reads the image untouched; each later layer reads
    /// every positive hidden unit either zeroed or scaled by 1 / (1 - p), and zeroed with probability p; the members'
    /// probabilities are the softmax of the head applied to what it read, so nothing is dropped after the head.
    /// </summary>
    [Fact]
    public void TestTimeDropoutDropsAShareP_OfTheHiddenUnitsAndNothingElse()
    {
        const double p = 0.3;
        const int batch = 50;
        ModelRecipe recipe = (seed, dropout) => { manual_seed(seed); return ModelFactory.Create(new ModelSpec("mlp", [64, 64], dropout), 1, 8, 8, Classes); };
        manual_seed(5);
        using var data = new ImageDataset("toy", randint(0, 256, [batch, 1, 8, 8]).to(ScalarType.Byte), randint(0, Classes, [batch]), Classes);
        var test = new BatchIterator(data, batch, Normalization.Identity(1));
        var options = new TrainingOptions { Epochs = 1, BatchSize = 10, LearningRate = 0.05, MaxBatchesPerEpoch = 1 };
        using var ensemble = new McDropout(recipe, options, Passes, seed: 6, dropout: p);
        ensemble.Fit(new EnsembleTrainingContext(new BatchIterator(data, 10, Normalization.Identity(1), shuffle: true, seed: 1), null, CPU));

        var layers = ensemble.Model.MaskedLayers.Where(l => l.IsWeightLayer).ToArray();
        Assert.Equal(["fc1", "fc2", "head"], layers.Select(l => l.Path));
        var read = layers.ToDictionary(l => l.Path, _ => new List<float[]>());
        var hooks = layers.Select(l => l.register_forward_pre_hook((_, x) => { read[l.Path].Add(Rows(x).Values); return x; })).ToArray();
        using var members = ensemble.PredictMembers(test, CPU);
        foreach (var hook in hooks) hook.remove();
        Assert.All(read.Values, calls => Assert.Equal(Passes, calls.Count));

        var (image, _) = Rows(test.Epoch(0, CPU).Single().Images);
        Assert.All(read["fc1"], x => Assert.Equal(image, x)); // the image is never dropped
        float[] Values(Tensor t) { using var d = t.detach(); return d.data<float>().ToArray(); }
        for (int layer = 1; layer < 3; layer++)
        {
            var before = layers[layer - 1];
            long dropped = 0, positive = 0;
            foreach (var (previous, x) in read[before.Path].Zip(read[layers[layer].Path]))
            {
                var hidden = Dense(previous, previous.Length / batch, Values(before.Weight), Values(before.Bias!));
                for (int i = 0; i < hidden.Length; i++)
                {
                    if (hidden[i] < -1e-4) Assert.Equal(0f, x[i]); // ReLU's zeros stay zero
                    if (hidden[i] <= 1e-4) continue;              // (too close to 0 to tell float from double rounding)
                    positive++;
                    if (x[i] == 0) dropped++;
                    else Assert.Equal(hidden[i] / (1 - p), x[i], 3e-4 * (1 + Math.Abs(x[i])));
                }
            }
            // Dropped ~ Binomial(positive, p): within 4 standard errors of p (about 4,800 positive units a layer: ±0.026).
            double share = (double)dropped / positive, tolerance = 4 * Math.Sqrt(p * (1 - p) / positive);
            Assert.True(Math.Abs(share - p) <= tolerance, $"{layers[layer].Path} read {share:P2} of {positive} positive hidden units as 0; expected {p:P0} ± {tolerance:P2}");
        }
        // The members are softmax(head(what the head read)): no dropout on the logits.
        var head = layers[2];
        for (int pass = 0; pass < Passes; pass++)
        {
            using var logits = nn.functional.linear(tensor(read["head"][pass]).reshape(batch, 64), head.Weight.detach(), head.Bias!.detach());
            using var expected = nn.functional.softmax(logits, 1);
            using var gap = (members[pass] - expected).abs().max();
            Assert.True(gap.item<float>() < 1e-5f, $"pass {pass}: the probabilities are not the softmax of the head's output ({gap.item<float>()})");
        }
    }
}
