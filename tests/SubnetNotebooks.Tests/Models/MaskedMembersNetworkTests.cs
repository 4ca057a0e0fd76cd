using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class MaskedMembersNetworkTests
{
    public static IEnumerable<object[]> Families() => [["mlp"], ["smallcnn"], ["resnet18"]];

    [Theory]
    [MemberData(nameof(Families))]
    public void EachMemberIsTheSharedModelUnderItsMask(string family)
    {
        var shared = TinyModels.ByName(family);
        var masks = new[] { TinyModels.Stripe(shared, 2, 0), TinyModels.Stripe(shared, 2, 1) };
        var subnetworks = masks.Select(m => { var c = shared.CloneModel(); c.ApplyMask(m); c.eval(); return c; }).ToArray();
        using var network = new MaskedMembersNetwork(shared, masks);
        network.eval();
        var (x, _) = TinyModels.Batch(shared, 4, 8);
        using var members = network.MemberLogits(x);
        for (int k = 0; k < 2; k++)
        {
            using var expected = subnetworks[k].call(x);
            using var diff = (members[k] - expected).abs().max();
            Assert.True(diff.item<float>() < 1e-5f, $"member {k} differs from its masked subnetwork by {diff.item<float>()}");
            subnetworks[k].Dispose();
        }
    }

    /// <summary>An MLP 4-4-3 whose member 0 keeps hidden units {0, 1} and member 1 keeps {1, 2}; unit 3 is kept by nobody.</summary>
    static MaskedMembersNetwork OverlappingPair(bool separateMembers)
    {
        manual_seed(2);
        var shared = ModelFactory.Create(new ModelSpec("mlp", [4]), 1, 2, 2, 3);
        var masks = new[]
        {
            new MaskSet(new Dictionary<string, bool[]> { ["fc1"] = [true, true, false, false] }),
            new MaskSet(new Dictionary<string, bool[]> { ["fc1"] = [false, true, true, false] }),
        };
        return new MaskedMembersNetwork(shared, masks, separateMembers);
    }

    [Fact]
    public void CostIsTheUnionOfKeptUnitsAndTheSumOfMemberFlops()
    {
        using var network = OverlappingPair(separateMembers: false);
        // Union {0, 1, 2}: fc1 3 x 4 weights + 3 biases, head 3 x 3 weights + 3 biases.
        Assert.Equal(3 * 4 + 3 + 3 * 3 + 3, network.Parameters);
        // Each member: 2 x (2 x 4 + 3 x 2) FLOPs.
        Assert.Equal(2 * 2L * (2 * 4 + 3 * 2), network.FlopsPerExample);
        // Executed: each member's tile runs the dense 4-4-3 network, 2 x (4 x 4 + 4 x 3) FLOPs, twice.
        Assert.Equal(2 * 2L * (4 * 4 + 4 * 3), network.ExecutedFlopsPerExample);
    }

    [Fact]
    public void SeparateMembersCountOneHeadBiasPerMember()
    {
        using var network = OverlappingPair(separateMembers: true);
        // Union {0, 1, 2}: fc1 3 x 4 weights + 3 biases, head 3 x 3 weights; head bias 3 per member, 2 members.
        Assert.Equal(3 * 4 + 3 + 3 * 3 + 2 * 3, network.Parameters);
    }
}
