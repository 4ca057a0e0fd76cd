using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class FusedSubnetworksTests
{
    const int M = 2;

    /// <summary>Tiny models whose every group splits evenly into two members (ResNet-18 [4, 4, 8, 8] and WRN-10-1 on 3x8x8).</summary>
    static PrunableModel Even(string family)
    {
        manual_seed(family == "mlp" ? 21 : 22);
        return family switch
        {
            "mlp" => ModelFactory.Create(new ModelSpec("mlp", [6, 4]), 1, 4, 4, 3),
            "smallcnn" => ModelFactory.Create(new ModelSpec("smallcnn", [4, 6]), 1, 8, 8, 3),
            _ => TinyModels.ByName(family),
        };
    }

    /// <summary>The compacted members of the stripe partition (member m keeps units i with i mod M == m).</summary>
    static PrunableModel[] Members(PrunableModel dense) =>
        Enumerable.Range(0, M).Select(k => dense.Compact(TinyModels.Stripe(dense, M, k))).ToArray();

    /// <summary>Member k's reference: the dense model under member k's mask.</summary>
    static PrunableModel Masked(PrunableModel dense, int k, bool train)
    {
        var copy = dense.CloneModel();
        copy.ApplyMask(TinyModels.Stripe(dense, M, k));
        copy.train(train);
        return copy;
    }

    static float MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Theory]
    [InlineData("mlp")]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("wrn")]
    public void ALossOnOneMemberLeavesEveryOtherMembersGradientsExactlyZero(string family)
    {
        using var dense = Even(family);
        var members = Members(dense);
        using var fused = FusedSubnetworks.Fuse(members);
        fused.train();
        manual_seed(5);
        var x = randn([M, 8, dense.Channels, dense.Height, dense.Width]);
        var logits = fused.call(x);
        Assert.Equal([M, 8, dense.Classes], logits.shape);
        (logits[0] * randn(8, dense.Classes)).sum().backward();
        foreach (var (name, p) in fused.named_parameters())
        {
            var perMember = p.grad!.reshape(M, -1);
            Assert.True(perMember[0].abs().sum().item<float>() > 0, $"{family} {name}: member 1 got no gradient");
            Assert.Equal(0f, perMember[1].abs().max().item<float>());
        }
        foreach (var m in members) m.Dispose();
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("wrn")]
    public void OutputsEqualTheMaskedReference(string family)
    {
        using var dense = Even(family);
        var members = Members(dense);
        using var fused = FusedSubnetworks.Fuse(members);
        manual_seed(6);
        var shared = randn(5, dense.Channels, dense.Height, dense.Width);
        var own = randn([M, 5, dense.Channels, dense.Height, dense.Width]);
        using var _ = no_grad();

        fused.eval();
        var sharedLogits = fused.call(shared);
        var ownLogits = fused.call(own);
        fused.train();
        var trainLogits = fused.call(own); // batch statistics per member
        for (int k = 0; k < M; k++)
        {
            using var evalReference = Masked(dense, k, train: false);
            Assert.True(MaxDifference(sharedLogits[k], evalReference.call(shared)) < 1e-5f, $"{family} member {k + 1}, shared input");
            Assert.True(MaxDifference(ownLogits[k], evalReference.call(own[k])) < 1e-5f, $"{family} member {k + 1}, own input");
            using var trainReference = Masked(dense, k, train: true);
            Assert.True(MaxDifference(trainLogits[k], trainReference.call(own[k])) < 1e-5f, $"{family} member {k + 1}, training mode");
        }
        foreach (var m in members) m.Dispose();
    }

    [Theory]
    [InlineData("smallcnn", ConvolutionFormulation.Grouped)]
    [InlineData("smallcnn", ConvolutionFormulation.UnfoldMatmul)]
    [InlineData("resnet18", ConvolutionFormulation.Grouped)]
    [InlineData("resnet18", ConvolutionFormulation.UnfoldMatmul)]
    [InlineData("wrn", ConvolutionFormulation.Grouped)]
    [InlineData("wrn", ConvolutionFormulation.UnfoldMatmul)]
    public void EveryFormulationMatchesTheCompactMembersInOutputsAndGradients(string family, ConvolutionFormulation formulation)
    {
        using var dense = Even(family);
        var members = Members(dense);
        using var fused = FusedSubnetworks.Fuse(members);
        fused.Formulation = formulation;
        Assert.Equal(formulation, fused.Formulation);
        manual_seed(9);
        var shared = randn(4, dense.Channels, dense.Height, dense.Width);
        var own = randn([M, 4, dense.Channels, dense.Height, dense.Width]);
        fused.eval();
        using (no_grad())
        {
            var logits = fused.call(shared);
            for (int k = 0; k < M; k++)
            {
                members[k].eval();
                Assert.True(MaxDifference(logits[k], members[k].call(shared)) < 1e-5f, $"{family} {formulation} member {k + 1}, eval, shared input");
            }
        }
        fused.train();
        var weights = randn(M, 4, dense.Classes);
        var trainLogits = fused.call(own);
        (trainLogits * weights).sum().backward();
        var fusedGrads = fused.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.view(M, -1).clone());
        for (int k = 0; k < M; k++)
        {
            members[k].train();
            members[k].zero_grad();
            var memberLogits = members[k].call(own[k]);
            Assert.True(MaxDifference(trainLogits[k], memberLogits) < 1e-5f, $"{family} {formulation} member {k + 1}, training mode");
            (memberLogits * weights[k]).sum().backward();
            foreach (var (name, p) in members[k].named_parameters())
            {
                var expected = p.grad!.reshape(-1).clone();
                var scale = 1 + expected.abs().max().item<float>();
                var difference = MaxDifference(fusedGrads[name][k], expected);
                // float32 sums over a batch in another order (grouped vs one member) differ by a few ulps per term: a BatchNorm
                // weight's gradient on an AMD EPYC differed by 1.24e-5 at scale ~1; a wrong member or mask is off by O(scale).
                Assert.True(difference < 5e-5f * scale, $"{family} {formulation} {name} member {k + 1}: gradient differs by {difference}");
            }
        }
        foreach (var m in members) m.Dispose();
    }

    [Theory]
    [InlineData("mlp", "fc2.bias")]
    [InlineData("smallcnn", "bn2.running_var")]
    [InlineData("resnet18", "stage2_0.shortcut_bn.num_batches_tracked")]
    [InlineData("wrn", "group2_0.shortcut.weight")]
    public void StateNamesAreTheMembersAndEveryLayerIsGrouped(string family, string sample)
    {
        using var dense = Even(family);
        var members = Members(dense);
        using var fused = FusedSubnetworks.Fuse(members);
        var names = fused.state_dict().Keys.Order().ToArray();
        Assert.Equal(members[0].state_dict().Keys.Order().ToArray(), names);
        Assert.Contains(sample, names);
        // Every weight layer of the member became a grouped one: M times its weights, nothing left masked.
        Assert.Empty(fused.modules().OfType<MaskedLayer>());
        Assert.Equal(members[0].MaskedLayers.Count(l => l.IsWeightLayer), fused.modules().Count(m => m is GroupedConv2d or MemberMajorLinear));
        foreach (var m in members) m.Dispose();
    }

    [Fact]
    public void FusingDrawsNothingFromTheGlobalGenerator()
    {
        using var dense = Even("resnet18");
        var members = Members(dense);
        manual_seed(31);
        var expected = randn(6);
        manual_seed(31);
        using (FusedSubnetworks.Fuse(members)) { }
        Assert.Equal(expected.data<float>().ToArray(), randn(6).data<float>().ToArray());
        foreach (var m in members) m.Dispose();
    }

    [Fact]
    public void ParameterCountIsTheSumOfTheCompactedMembers()
    {
        // mlp 16-6-4-3 split in two: per member fc1 16*3+3, fc2 3*2+2, head 2*3+3 = 51 + 8 + 9 = 68.
        using var mlp = Even("mlp");
        var mlpMembers = Members(mlp);
        using (var fused = FusedSubnetworks.Fuse(mlpMembers)) Assert.Equal(2 * 68, fused.ParameterCount);
        // smallcnn 1-4-6 (3x3, no conv bias) + BN + head 3 classes, per member: conv1 2*1*9, bn1 2*2, conv2 3*2*9, bn2 3*2, head 3*3+3.
        using var cnn = Even("smallcnn");
        var cnnMembers = Members(cnn);
        using (var fused = FusedSubnetworks.Fuse(cnnMembers)) Assert.Equal(2 * (18 + 4 + 54 + 6 + 12), fused.ParameterCount);
        foreach (var m in mlpMembers.Concat(cnnMembers)) m.Dispose();
    }

    [Fact]
    public void CopyIntoWritesEachMembersSliceBack()
    {
        using var dense = Even("smallcnn");
        var members = Members(dense);
        using var fused = FusedSubnetworks.Fuse(members);
        using (no_grad())
            foreach (var p in fused.parameters()) p.add_(0.01f);
        fused.CopyInto(members);
        manual_seed(7);
        var x = randn(3, 1, 8, 8);
        fused.eval();
        using var _ = no_grad();
        var logits = fused.call(x);
        for (int k = 0; k < M; k++)
        {
            members[k].eval();
            var own = members[k].call(x);
            Assert.True(MaxDifference(logits[k], own) < 1e-5f * (1 + own.abs().max().item<float>()), $"member {k + 1}: {MaxDifference(logits[k], own)}");
        }
        foreach (var m in members) m.Dispose();
    }

    [Fact]
    public void UnevenSplitsAndUnsupportedFamiliesAreNotFusable()
    {
        manual_seed(8);
        using var uneven = ModelFactory.Create(new ModelSpec("mlp", [5]), 1, 4, 4, 3);
        var members = Members(uneven);
        Assert.Contains("fc1", FusedSubnetworks.WhyNotFusable(members));
        var error = Assert.Throws<ArgumentException>(() => FusedSubnetworks.Fuse(members));
        Assert.Contains("execution=compact", error.Message);
        using var resnet = TinyModels.ResNet();
        using var thin = resnet.Compact(TinyModels.Stripe(resnet, 2, 0));
        using var cnn = Even("smallcnn");
        using var thinCnn = cnn.Compact(TinyModels.Stripe(cnn, 2, 0));
        Assert.Contains("different families", FusedSubnetworks.WhyNotFusable([thin, thinCnn]));
        using var masked = Masked(resnet, 0, train: false);
        Assert.Contains("masked", FusedSubnetworks.WhyNotFusable([masked, masked]));
        foreach (var m in members) m.Dispose();
    }
}
