using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

/// <summary>The kit's SGD: torch.optim.SGD's update worked out by hand, bit-equal to TorchSharp's, and TorchSharp's state file layout.</summary>
public class SgdTests
{
    /// <summary>Float64 parameter p = [1, -2] and loss sum(c * p) with c = [0.5, 1], so every gradient is c.</summary>
    static (TorchSharp.Modules.Parameter P, Func<Tensor> Loss) Quadratic()
    {
        var p = nn.Parameter(tensor(new[] { 1.0, -2.0 }));
        var c = tensor(new[] { 0.5, 1.0 });
        return (p, () => (p * c).sum());
    }

    static double[] Run(bool nesterov, int steps)
    {
        var (p, loss) = Quadratic();
        using var sgd = new Sgd([p], learningRate: 0.5, momentum: 0.9, weightDecay: 0.1, nesterov: nesterov);
        for (int i = 0; i < steps; i++)
        {
            sgd.ZeroGrad();
            loss().backward();
            sgd.Step();
        }
        return p.data<double>().ToArray();
    }

    [Fact]
    public void MomentumAndWeightDecayFollowTheFormulaWorkedOutByHand()
    {
        // Step 1: g = c + 0.1 p = [0.6, 0.8]; buf = g; p = p - 0.5 buf = [0.7, -2.4].
        // Step 2: g = c + 0.1 p = [0.57, 0.76]; buf = 0.9 [0.6, 0.8] + g = [1.11, 1.48]; p = [0.7 - 0.555, -2.4 - 0.74] = [0.145, -3.14].
        var twoSteps = Run(nesterov: false, steps: 2);
        Assert.Equal(0.145, twoSteps[0], 12);
        Assert.Equal(-3.14, twoSteps[1], 12);
        // Nesterov, step 1: g = [0.6, 0.8], buf = g, update g + 0.9 buf = [1.14, 1.52]; p = [1 - 0.57, -2 - 0.76].
        var nesterov = Run(nesterov: true, steps: 1);
        Assert.Equal(0.43, nesterov[0], 12);
        Assert.Equal(-2.76, nesterov[1], 12);
    }

    static TorchSharp.Modules.Sequential Mlp()
    {
        manual_seed(5);
        return nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 3));
    }

    static void Backward(nn.Module<Tensor, Tensor> model, int step)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(100 + step));
        var x = randn([8, 12], generator: generator);
        var y = randint(0, 3, [8], generator: generator);
        nn.functional.cross_entropy(model.call(x), y).backward();
    }

    static float[] Weights(nn.Module model) => model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwentyStepsEqualTorchSharpsSgdBitForBit(bool nesterov)
    {
        using var mine = Mlp();
        using var theirs = Mlp();
        using var kit = new Sgd(mine.parameters(), 0.05, 0.9, 5e-4, nesterov);
        using var torchSharp = optim.SGD(theirs.parameters(), 0.05, 0.9, 0, 5e-4, nesterov);
        for (int step = 0; step < 20; step++)
        {
            if (step == 10) { kit.LearningRate = 0.01; foreach (var g in torchSharp.ParamGroups) g.LearningRate = 0.01; }
            kit.ZeroGrad(); Backward(mine, step); kit.Step();
            torchSharp.zero_grad(); Backward(theirs, step); torchSharp.step();
        }
        Assert.Equal(Weights(theirs), Weights(mine));
    }

    [Fact]
    public void StateFilesMoveBetweenTorchSharpsSgdAndTheKitsBothWays()
    {
        using var a = Mlp();
        using var torchSharp = optim.SGD(a.parameters(), 0.05, 0.9, 0, 5e-4);
        for (int step = 0; step < 3; step++) { torchSharp.zero_grad(); Backward(a, step); torchSharp.step(); }
        using var written = new MemoryStream();
        torchSharp.save_state_dict(new BinaryWriter(written));

        // A checkpoint written before the kit had its own SGD resumes: same momentum, same next step.
        using var b = Mlp();
        b.load_state_dict(a.state_dict());
        using var kit = new Sgd(b.parameters(), 0.05, 0.9, 5e-4);
        written.Position = 0;
        kit.Load(new BinaryReader(written));
        for (int i = 0; i < kit.Parameters.Count; i++) Assert.NotNull(kit.MomentumBuffer(i));
        torchSharp.zero_grad(); Backward(a, 3); torchSharp.step();
        kit.ZeroGrad(); Backward(b, 3); kit.Step();
        Assert.Equal(Weights(a), Weights(b));

        // And the kit's file loads into TorchSharp's SGD, whose next step then equals the kit's.
        using var back = new MemoryStream();
        kit.Save(new BinaryWriter(back));
        using var c = Mlp();
        c.load_state_dict(b.state_dict());
        using var again = optim.SGD(c.parameters(), 0.05, 0.9, 0, 5e-4);
        back.Position = 0;
        again.load_state_dict(new BinaryReader(back));
        kit.ZeroGrad(); Backward(b, 4); kit.Step();
        again.zero_grad(); Backward(c, 4); again.step();
        Assert.Equal(Weights(b), Weights(c));
    }

    [Fact]
    public void AStateForOtherParametersIsRefusedWithTheCounts()
    {
        using var a = Mlp();
        using var kit = new Sgd(a.parameters(), 0.05, 0.9);
        using var file = new MemoryStream();
        kit.Save(new BinaryWriter(file));
        using var smaller = nn.Linear(12, 3);
        using var other = new Sgd(smaller.parameters(), 0.05, 0.9);
        file.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => other.Load(new BinaryReader(file)));
        Assert.Contains("4 parameter states", error.Message);
        Assert.Contains("2 parameters", error.Message);
    }
}
