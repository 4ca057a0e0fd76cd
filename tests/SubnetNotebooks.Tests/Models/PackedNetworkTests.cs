using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class PackedNetworkTests
{
    static PackedNetwork Build(string family, int members, int gamma)
    {
        manual_seed(6);
        var spec = family switch
        {
            "mlp" => new ModelSpec("mlp", [8, 8]),
            "smallcnn" => new ModelSpec("smallcnn", [4, 8]),
            _ => new ModelSpec("resnet18", [4, 4, 8, 8]),
        };
        return new PackedNetwork(spec, 3, 8, 8, 5, members, alpha: 2, gamma: gamma);
    }

    public static IEnumerable<object[]> Cases() =>
        [["mlp", 2, 1], ["mlp", 3, 2], ["smallcnn", 2, 2], ["smallcnn", 4, 1], ["resnet18", 2, 2]];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ALossOnOneMemberLeavesEveryOtherMembersGradientsZero(string family, int members, int gamma)
    {
        using var network = Build(family, members, gamma);
        network.train();
        manual_seed(7);
        using var x = randn(6, 3, 8, 8);
        for (int k = 0; k < members; k++)
        {
            network.zero_grad();
            using var logits = network.MemberLogits(x);
            Assert.Equal(new long[] { members, 6, 5 }, logits.shape);
            logits[k].pow(2).sum().backward();
            foreach (var (name, p) in network.named_parameters())
            {
                // Every parameter's first dimension lists output channels, member by member.
                var rows = p.grad!.reshape(p.shape[0], -1).abs().sum(1).data<float>().ToArray();
                int per = rows.Length / members;
                for (int j = 0; j < members; j++)
                {
                    var block = rows.Skip(j * per).Take(per).ToArray();
                    if (j == k) Assert.True(block.Any(v => v > 0), $"{name}: member {k} got no gradient");
                    else Assert.All(block, v => Assert.Equal(0f, v));
                }
            }
        }
    }

    [Fact]
    public void CostsMatchAHandCount()
    {
        // MLP 16 -> [8] -> 3 with M = 2, alpha = 2, gamma = 1: each member is 8 wide, 16 in all.
        // fc1: 16 x 16 weights + 16 biases (one weight set per output channel); head: 2 groups of 8 -> 3: 6 x 8 + 6.
        manual_seed(1);
        using var network = new PackedNetwork(new ModelSpec("mlp", [8]), 1, 4, 4, 3, 2, alpha: 2, gamma: 1);
        Assert.Equal(16 * 16 + 16 + 6 * 8 + 6, network.Parameters);
        Assert.Equal(2L * (16 * 16 + 6 * 8), network.FlopsPerExample);
    }

    [Fact]
    public void SubgroupsDivideTheHiddenWeights()
    {
        // Same MLP with [8, 8], M = 2, gamma = 2: fc2 has 4 groups of 4 -> 4, i.e. 16 x 4 weights instead of 16 x 8.
        manual_seed(1);
        using var g1 = new PackedNetwork(new ModelSpec("mlp", [8, 8]), 1, 4, 4, 3, 2, alpha: 2, gamma: 1);
        using var g2 = new PackedNetwork(new ModelSpec("mlp", [8, 8]), 1, 4, 4, 3, 2, alpha: 2, gamma: 2);
        Assert.Equal(16 * 8 - 16 * 4, g1.Parameters - g2.Parameters);
    }

    [Fact]
    public void RejectsFamiliesItCannotPack() =>
        Assert.Throws<ArgumentException>(() => new PackedNetwork(new ModelSpec("wrn", []), 3, 8, 8, 5, 2));
}
