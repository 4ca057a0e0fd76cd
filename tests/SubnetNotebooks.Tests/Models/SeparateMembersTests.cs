using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

/// <summary>Overlap members coupled only where their masks overlap: own BatchNorm, own head bias, undiluted gradients.</summary>
public class SeparateMembersTests
{
    const int Batch = 8;

    /// <summary>Gradient of member <paramref name="member"/>'s mean loss on its half of the batch, per named parameter (zeros where none flows).</summary>
    static Dictionary<string, float[]> MemberGradient(MaskedMembersNetwork network, Tensor x, Tensor y, int member)
    {
        network.train();
        network.zero_grad();
        using var logits = network.call(x);
        // Training splits the batch into contiguous halves: examples 0-3 are member 0's, 4-7 member 1's.
        using var rows = arange(member * Batch / 2, (member + 1) * Batch / 2, dtype: ScalarType.Int64);
        using var loss = nn.functional.cross_entropy(logits.index_select(0, rows), y.index_select(0, rows));
        loss.backward();
        return network.named_parameters().ToDictionary(p => p.name,
            p => p.parameter.grad is { } g ? g.detach().cpu().data<float>().ToArray() : new float[p.parameter.numel()]);
    }

    static (Dictionary<string, float[]> First, Dictionary<string, float[]> Second) BothGradients(string family, double overlap)
    {
        var shared = TinyModels.ByName(family);
        using var network = new MaskedMembersNetwork(shared, OverlapMasks.ForModel(shared, 2, overlap, seed: 3), separateMembers: true);
        var (x, y) = TinyModels.Batch(shared, Batch, 9);
        return (MemberGradient(network, x, y, 0), MemberGradient(network, x, y, 1));
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    public void AtZeroOverlapNoParameterGetsGradientFromBothMembers(string family)
    {
        var (first, second) = BothGradients(family, 0);
        Assert.Contains(first.Values, g => g.Any(v => v != 0));
        Assert.Contains(second.Values, g => g.Any(v => v != 0));
        foreach (var (name, g1) in first)
        {
            var g2 = second[name];
            var shared = Enumerable.Range(0, g1.Length).Where(i => g1[i] != 0 && g2[i] != 0).ToArray();
            Assert.True(shared.Length == 0, $"{family}: {shared.Length} entries of {name} get gradient from both members, e.g. entry {shared.FirstOrDefault()}");
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("smallcnn")]
    public void WithOverlapSomeParametersGetGradientFromBothMembers(string family)
    {
        var (first, second) = BothGradients(family, 1);
        Assert.Contains(first, p => Enumerable.Range(0, p.Value.Length).Any(i => p.Value[i] != 0 && second[p.Key][i] != 0));
    }

    [Fact]
    public void AMembersLossHasZeroGradientOnEveryWeightItsMaskDrops()
    {
        var shared = TinyModels.Mlp();
        var masks = OverlapMasks.ForModel(shared, 2, 0, seed: 3);
        var layers = shared.MaskedLayers.Select(l => (l.Path, l.OutputGroup, l.InputGroup, l.OutputUnits, l.InputUnits)).ToArray();
        using var network = new MaskedMembersNetwork(shared, masks, separateMembers: true);
        var (x, y) = TinyModels.Batch(shared, Batch, 9);
        var g = MemberGradient(network, x, y, 0);
        // Member 0 uses weight (o, i) of a layer only when it keeps output unit o (every class for the head) and input unit i (every pixel for the first layer).
        foreach (var (path, outGroup, inGroup, outs, ins) in layers)
        {
            var weight = g[$"shared.{path}.weight"];
            for (int o = 0; o < outs; o++)
                for (int i = 0; i < ins; i++)
                {
                    bool used = (outGroup is null || masks[0].UnitMask(outGroup)[o]) && (inGroup is null || masks[0].UnitMask(inGroup)[i]);
                    if (!used) Assert.Equal(0f, weight[o * ins + i]);
                }
        }
        // Head bias: one row of [2, 3] per member; member 0's loss reaches only row 0, and the shared head bias is not trained.
        Assert.All(g["member_head_bias"].Skip(3), v => Assert.Equal(0f, v));
        Assert.Contains(g["member_head_bias"].Take(3), v => v != 0);
        Assert.False(network.named_parameters().Single(p => p.name == "shared.head.bias").parameter.requires_grad);
    }

    [Fact]
    public void EachMemberGetsTheGradientOfANetworkTrainedAloneOnItsShare()
    {
        var shared = TinyModels.Mlp();
        var masks = OverlapMasks.ForModel(shared, 2, 0, seed: 3);
        // Member 1 alone: the same initial weights under its mask, trained on examples 4-7 with the mean cross-entropy.
        var alone = shared.CloneModel();
        alone.ApplyMask(masks[1]);
        using var network = new MaskedMembersNetwork(shared, masks, separateMembers: true);
        var (x, y) = TinyModels.Batch(shared, Batch, 9);

        network.train();
        network.zero_grad();
        var (loss, _) = network.TrainingLoss(x, y, 0);
        (loss * network.ObjectiveScale).backward();
        alone.train();
        using var half = arange(4, 8, dtype: ScalarType.Int64);
        nn.functional.cross_entropy(alone.call(x.index_select(0, half)), y.index_select(0, half)).backward();

        var expected = alone.named_parameters().Single(p => p.name == "fc1.weight").parameter.grad!.data<float>().ToArray();
        var actual = network.named_parameters().Single(p => p.name == "shared.fc1.weight").parameter.grad!.data<float>().ToArray();
        var rows = masks[1].UnitMask("fc1");
        int inputs = expected.Length / rows.Length;
        for (int f = 0; f < expected.Length; f++)
            if (rows[f / inputs]) Assert.Equal(expected[f], actual[f], 1e-6f);
        var headBias = network.named_parameters().Single(p => p.name == "member_head_bias").parameter.grad!.data<float>().Skip(3).ToArray();
        Assert.Equal(alone.named_parameters().Single(p => p.name == "head.bias").parameter.grad!.data<float>().ToArray(), headBias, new FloatTolerance(1e-6f));
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
