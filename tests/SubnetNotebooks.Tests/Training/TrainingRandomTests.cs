using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

/// <summary>Which generator each random op of training uses: dropout and MIMO draw from TrainingRandom, never from torch's default.</summary>
public class TrainingRandomTests
{
    static byte[] DefaultState()
    {
        using var state = Generator.Default.get_state();
        return state.data<byte>().ToArray();
    }

    [Fact]
    public void DropoutMasksComeFromTheTrainingGeneratorOnly()
    {
        using var drop = new SeededDropout(0.25);
        drop.train();
        using var x = ones(4000);
        TrainingRandom.Seed(5);
        var before = DefaultState();
        using var first = drop.call(x);
        Assert.Equal(before, DefaultState()); // torch's default generator did not move
        manual_seed(123);                       // moving it changes nothing
        TrainingRandom.Seed(5);
        using var second = drop.call(x);
        Assert.Equal(first.data<float>().ToArray(), second.data<float>().ToArray());
        TrainingRandom.Seed(6);
        using var third = drop.call(x);
        Assert.NotEqual(first.data<float>().ToArray(), third.data<float>().ToArray());

        // Inverted dropout by hand: every entry is 0 or 1 / (1 - 0.25); about a quarter are 0.
        var values = first.data<float>().ToArray();
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - 4f / 3f) < 1e-6, $"{v}"));
        double zeros = values.Count(v => v == 0) / 4000.0;
        Assert.InRange(zeros, 0.25 - 0.03, 0.25 + 0.03); // 4.4 standard deviations of a binomial(4000, 0.25) share
        drop.eval();
        using var eval = drop.call(x);
        Assert.All(eval.data<float>().ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void MimoPermutationsComeFromTheTrainingGeneratorOnly()
    {
        manual_seed(4);
        using var network = MimoNetwork.Create(new ModelSpec("mlp", [10]), 1, 3, 3, 4, 3, 0.0, 2);
        manual_seed(2);
        using var x = randn(6, 1, 3, 3);
        using var y = randint(0, 4, [6]);
        float Loss(long seed)
        {
            TrainingRandom.Seed(seed);
            var (loss, _) = network.TrainingLoss(x, y, 0);
            using (loss) return loss.item<float>();
        }
        var before = DefaultState();
        float a = Loss(7);
        Assert.Equal(before, DefaultState());
        manual_seed(55);
        Assert.Equal(a, Loss(7));
        Assert.NotEqual(a, Loss(8));
    }

    [Fact]
    public void EpochSeedIsDrawnFromTheTrainingGenerator()
    {
        TrainingRandom.Seed(9);
        TrainingRandom.SeedEpoch(CPU);
        var afterOne = TrainingRandom.State();
        TrainingRandom.Seed(9);
        Assert.NotEqual(afterOne, TrainingRandom.State());
        TrainingRandom.SeedEpoch(CPU);
        Assert.Equal(afterOne, TrainingRandom.State());
    }

    [Fact]
    public void DeterministicSwitchSetsLibtorchsFlags()
    {
        try
        {
            DeterministicAlgorithms.Set(true);
            Assert.True(DeterministicAlgorithms.Enabled);
            Assert.True(DeterministicAlgorithms.CudnnDeterministic);
            Assert.Equal(":4096:8", Environment.GetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG"));
        }
        finally
        {
            DeterministicAlgorithms.Set(false);
        }
        Assert.False(DeterministicAlgorithms.Enabled);
        Assert.False(DeterministicAlgorithms.CudnnDeterministic);
    }
}
