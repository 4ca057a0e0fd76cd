using SubnetNotebooks.Masking;
using SubnetNotebooks.Models.Custom;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SubnetNotebooks.Tests.Models.Custom;

public class SplitNetworkTests
{
    [Fact]
    public void ASequentialCnnSplitsWithoutADeclarationAndKeepsItsLogits()
    {
        using var reference = UserNetworks.SequentialCnn();
        reference.eval();
        manual_seed(3);
        var input = randn(4, 3, 16, 16);
        var expected = reference.call(input);
        var keys = reference.state_dict().Keys.ToArray();

        var net = SplitNetwork.From(UserNetworks.SequentialCnn, null, 3, 16, 16, 5, "seq-cnn");
        net.eval();
        Assert.True(UserNetworks.MaxDifference(net.call(input), expected) < 1e-5);
        Assert.Equal(keys.Order(), net.state_dict().Keys.Where(k => keys.Contains(k)).Order());
        Assert.Equal(["conv1", "conv2"], net.UnitGroups.Select(g => g.Name));
        Assert.Equal([8, 12], net.UnitGroups.Select(g => g.Units));
        Assert.Equal(["conv1", "bn1"], net.UnitGroups[0].Layers);
        // FLOPs by hand: conv1 2*8*3*9*16*16, conv2 2*12*8*9*8*8, fc 2*5*12.
        Assert.Equal(2L * 8 * 3 * 9 * 256 + 2L * 12 * 8 * 9 * 64 + 2L * 5 * 12, net.FlopsPerExample());

        using var split = Subnetworks.Split(net, 4);
        UserNetworks.AssertDisjointAndCovering(split);
        Assert.Equal([2, 2, 2, 2], split.Compact.Select(c => c.UnitGroups[0].Units));
        Assert.Null(split.Fused);
        Assert.Contains("'conv2' has a bias", split.WhyNotFused);
        Assert.True(UserNetworks.MembersAgree(split, input) < 1e-5);
    }

    [Fact]
    public void AResidualNetworkIsRefusedUntilItsStreamIsDeclared()
    {
        var refused = Assert.Throws<ArgumentException>(() => SplitNetwork.From(UserNetworks.ResidualCnn, null, 3, 12, 12, 4));
        Assert.Contains("'stem', 'block.conv2'", refused.Message);
        Assert.Contains("coupling.Stream(\"stream\", \"stem\", \"block.conv2\")", refused.Message);

        using var reference = UserNetworks.ResidualCnn();
        reference.eval();
        manual_seed(5);
        var input = randn(3, 3, 12, 12);
        var expected = reference.call(input);
        var coupling = new NetworkCoupling().Stream("stage", "stem", "block.conv2");
        var net = SplitNetwork.From(UserNetworks.ResidualCnn, coupling, 3, 12, 12, 4, "residual-cnn");
        net.eval();
        Assert.True(UserNetworks.MaxDifference(net.call(input), expected) < 1e-5);
        Assert.Equal(["stage", "block.conv1"], net.UnitGroups.Select(g => g.Name));
        Assert.Equal(["stem", "stem_bn", "block.conv2", "block.bn2"], net.UnitGroups[0].Layers);
        Assert.Equal(0.2, net.Spec.Dropout); // the network's own Dropout(0.2), now the kit's seeded dropout
        Assert.Single(net.modules().OfType<SubnetNotebooks.Models.SeededDropout>(), d => d.P == 0.2);

        using var split = Subnetworks.Split(net, 2);
        UserNetworks.AssertDisjointAndCovering(split);
        Assert.NotNull(split.Fused);
        Assert.True(UserNetworks.MembersAgree(split, input) < 1e-5);
    }

    [Fact]
    public void LayersTheSplitCannotHandleAreRefusedByName()
    {
        var grouped = Assert.Throws<ArgumentException>(() => SplitNetwork.From(
            () => Sequential(("conv", Conv2d(4, 8, 3, groups: 2)), ("gap", AdaptiveAvgPool2d(1)), ("flat", Flatten()), ("fc", Linear(8, 3))), null, 4, 8, 8, 3));
        Assert.Contains("Conv2d 'conv': groups = 2", grouped.Message);
        var norm = Assert.Throws<ArgumentException>(() => SplitNetwork.From(
            () => Sequential(("conv", Conv2d(3, 8, 3)), ("norm", GroupNorm(2, 8)), ("gap", AdaptiveAvgPool2d(1)), ("flat", Flatten()), ("fc", Linear(8, 3))), null, 3, 8, 8, 3));
        Assert.Contains("'norm' is a GroupNorm", norm.Message);
        var flatten = Assert.Throws<ArgumentException>(() => SplitNetwork.From(
            () => Sequential(("conv", Conv2d(3, 4, 3, padding: 1)), ("flat", Flatten()), ("fc", Linear(4 * 8 * 8, 3))), null, 3, 8, 8, 3));
        Assert.Contains("'fc' reads the channels of 'conv' rearranged", flatten.Message);
        var stream = Assert.Throws<ArgumentException>(() => SplitNetwork.From(
            UserNetworks.ResidualCnn, new NetworkCoupling().Stream("stage", "stem", "block.conv9"), 3, 12, 12, 4));
        Assert.Contains("'block.conv9', which is not a Conv2d or Linear layer", stream.Message);
    }
}
