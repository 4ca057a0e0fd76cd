using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class BatchEnsembleNetworkTests
{
    public static IEnumerable<object[]> Families() => [["mlp"], ["smallcnn"], ["resnet18"], ["wrn"]];

    [Theory]
    [MemberData(nameof(Families))]
    public void IdentityFastWeightsGiveTheSharedModelForEveryMember(string family)
    {
        var shared = TinyModels.ByName(family);
        using var network = new BatchEnsembleNetwork(shared, 3, randomSignInit: false);
        network.eval();
        var (x, _) = TinyModels.Batch(shared, 5, 9);
        using var members = network.MemberLogits(x);
        Assert.Equal(new long[] { 3, 5, shared.Classes }, members.shape);
        using var plain = shared.call(x);
        for (int k = 0; k < 3; k++)
        {
            using var diff = (members[k] - plain).abs().max();
            Assert.True(diff.item<float>() <= 1e-6f, $"member {k} differs from the shared model by {diff.item<float>()}");
        }
    }

    [Fact]
    public void EachMemberAddsItsOwnBias()
    {
        var shared = TinyModels.ByName("mlp");
        using var network = new BatchEnsembleNetwork(shared, 2, randomSignInit: false);
        network.eval();
        var biases = network.MemberBiases;
        Assert.Equal(shared.MaskedLayers.Count(l => l.IsWeightLayer && l.Bias is not null), biases.Count);
        var (head, headBias) = biases[^1];
        Assert.Equal(new long[] { 2, shared.Classes }, headBias.shape);
        var shift = arange(1, shared.Classes + 1, dtype: ScalarType.Float32); // member 1's head bias: 1, 2, ..., classes
        using (no_grad()) headBias[1].copy_(shift);
        var (x, _) = TinyModels.Batch(shared, 4, 3);
        using var members = network.MemberLogits(x);
        using var plain = shared.call(x);
        using var m0 = (members[0] - plain).abs().max();
        Assert.True(m0.item<float>() <= 1e-6f, "member 0's biases are still 0");
        using var m1 = (members[1] - plain - shift).abs().max();
        Assert.True(m1.item<float>() <= 1e-5f, "member 1's logits move by exactly its head bias");
    }

    [Fact]
    public void EachMemberScalesInputsByRAndOutputsByS()
    {
        manual_seed(3);
        var shared = ModelFactory.Create(new ModelSpec("mlp", []), 1, 2, 2, 3);
        using var network = new BatchEnsembleNetwork(shared, 2, randomSignInit: true, seed: 4);
        network.eval();
        manual_seed(5);
        using var x = randn(4, 1, 2, 2);
        using var members = network.MemberLogits(x);
        var head = shared.MaskedLayers.Single();
        var (_, r, s) = network.FastWeights.Single();
        for (int k = 0; k < 2; k++)
        {
            // y_k = ((x o r_k) W^T + b) o s_k, written out with plain tensor ops.
            using var expected = ((x.flatten(1) * r[k]).matmul(head.Weight.t()) + head.Bias!) * s[k];
            using var diff = (members[k] - expected).abs().max();
            Assert.True(diff.item<float>() < 1e-6f);
        }
        var signs = r.data<float>().ToArray().Concat(s.data<float>().ToArray()).ToArray();
        Assert.All(signs, v => Assert.True(v == 1f || v == -1f));
        Assert.Contains(-1f, signs);
    }

    [Fact]
    public void TrainingSplitsTheBatchOverMembers()
    {
        var shared = TinyModels.Mlp();
        using var network = new BatchEnsembleNetwork(shared, 2, randomSignInit: true, seed: 1);
        var (x, _) = TinyModels.Batch(shared, 6, 2);
        network.eval();
        using var members = network.MemberLogits(x);
        network.train();
        using var split = network.call(x);
        // Examples 0-2 belong to member 0, examples 3-5 to member 1 (no BatchNorm or dropout in the MLP).
        using var expected = cat([members[0].narrow(0, 0, 3), members[1].narrow(0, 3, 3)], 0);
        using var diff = (split - expected).abs().max();
        Assert.True(diff.item<float>() < 1e-6f);
    }
}
