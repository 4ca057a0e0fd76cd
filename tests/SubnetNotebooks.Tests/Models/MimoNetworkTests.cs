using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class MimoNetworkTests
{
    static MimoNetwork Build(double inputRepetition, int batchRepetition)
    {
        manual_seed(4);
        return MimoNetwork.Create(new ModelSpec("mlp", [10]), 1, 3, 3, 4, 3, inputRepetition, batchRepetition);
    }

    [Fact]
    public void TestTimeFeedsTheSameImageToEveryInput()
    {
        using var network = Build(0, 1);
        Assert.Equal(3, network.Body.Channels);
        Assert.Equal(12, network.Body.Classes);
        manual_seed(1);
        using var x = randn(5, 1, 3, 3);
        using var members = network.MemberLogits(x);
        Assert.Equal(new long[] { 3, 5, 4 }, members.shape);
        using var body = network.Body.call(cat([x, x, x], 1));
        for (int m = 0; m < 3; m++)
        {
            using var diff = (members[m] - body.narrow(1, 4 * m, 4)).abs().max();
            Assert.Equal(0f, diff.item<float>());
        }
    }

    [Fact]
    public void WithFullInputRepetitionTheLossIsTheSumOfEveryHeadsCrossEntropyOnTheBatch()
    {
        using var network = Build(1.0, 1);
        manual_seed(2);
        using var x = randn(6, 1, 3, 3);
        using var y = randint(0, 4, [6]);
        var (loss, logits) = network.TrainingLoss(x, y, 0);
        // rho = 1: every input gets the same (shuffled) batch; the mean cross-entropy does not depend on the order.
        using var body = network.Body.call(cat([x, x, x], 1));
        double expected = 0;
        var labels = y.data<long>().ToArray();
        for (int m = 0; m < 3; m++)
        {
            var logp = body.narrow(1, 4 * m, 4).log_softmax(1).data<float>().ToArray();
            expected += -Enumerable.Range(0, 6).Average(i => logp[i * 4 + labels[i]]);
        }
        Assert.Equal(expected, loss.item<float>(), 4);
        Assert.Equal(new long[] { 6, 4 }, logits.shape);
    }

    /// <summary>Zeroes every weight, so head m outputs the logits bias(m, c) for class c whatever the input.</summary>
    static void ConstantHeads(MimoNetwork network, Func<int, int, double> bias)
    {
        using var _ = no_grad();
        foreach (var p in network.parameters()) p.zero_();
        var head = network.Body.MaskedLayers.Last(l => l.IsWeightLayer).Bias!;
        for (int m = 0; m < 3; m++)
            for (int c = 0; c < 4; c++) head[m * 4 + c].fill_(bias(m, c));
    }

    [Fact]
    public void BatchRepetitionShowsEveryExampleToEveryHeadThatManyTimes()
    {
        using var network = Build(0, 2);
        // Constant heads whose logits differ by class: head m gives class c the logit (m + 1) c / 2, so the cross-entropy of
        // a row is log Z_m - (m + 1) y / 2 and depends on which example (label y) the row holds.
        ConstantHeads(network, (m, c) => (m + 1) * c / 2.0);
        manual_seed(3);
        using var x = randn(5, 1, 3, 3);
        var labels = new long[] { 0, 3, 1, 3, 2 };
        using var y = tensor(labels);
        var (loss, logits) = network.TrainingLoss(x, y, 0);
        // With batch repetition R = 2 every head sees 10 rows, each example exactly twice, so each head's mean
        // cross-entropy over its rows equals its mean over the 5 examples: the loss is the sum over heads of
        // log Z_m - (m + 1) x mean(y) / 2, mean(y) = 9 / 5. Any example seen more often than another moves it.
        double expected = 0;
        for (int m = 0; m < 3; m++)
        {
            double logZ = Math.Log(Enumerable.Range(0, 4).Sum(c => Math.Exp((m + 1) * c / 2.0)));
            expected += logZ - (m + 1) * labels.Average() / 2;
        }
        Assert.Equal(expected, loss.item<float>(), 4);
        Assert.Equal(new long[] { 5, 4 }, logits.shape);
        loss.Dispose();
        logits.Dispose();
    }

    [Theory]
    [InlineData(0.0, 2)]
    [InlineData(0.5, 3)]
    public void EveryHeadSeesEveryExampleBatchRepetitionTimes(double inputRepetition, int batchRepetition)
    {
        using var network = Build(inputRepetition, batchRepetition);
        // Constant heads: all weights 0, head m's bias gives its logits [m, 0, 0, 0], so its log-probabilities are
        // l_m = (m - log(e^m + 3), -log(e^m + 3), ...) for every row, whatever the input.
        ConstantHeads(network, (m, c) => c == 0 ? m : 0);
        manual_seed(2);
        using var x = randn(6, 1, 3, 3);
        using var y = randint(0, 4, [6]);
        var (loss, aligned) = network.TrainingLoss(x, y, 0);
        loss.Dispose();
        // aligned[j] = sum over heads m of (times head m saw example j) * l_m / (M * R); with every count = R it is the
        // mean of l_m over the heads, for every example j.
        var expected = new double[4];
        for (int m = 0; m < 3; m++)
        {
            double logZ = Math.Log(Math.Exp(m) + 3);
            for (int c = 0; c < 4; c++) expected[c] += ((c == 0 ? m : 0) - logZ) / 3;
        }
        var values = aligned.data<float>().ToArray();
        aligned.Dispose();
        for (int j = 0; j < 6; j++)
            for (int c = 0; c < 4; c++)
                Assert.True(Math.Abs(values[j * 4 + c] - expected[c]) < 1e-5, $"example {j}, class {c}: {values[j * 4 + c]} vs {expected[c]}");
    }
}
