using SubnetNotebooks.Masking;
using SubnetNotebooks.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SubnetNotebooks.Tests.Models.Custom;

/// <summary>Networks a user might write with TorchSharp modules, and checks shared by the split tests.</summary>
static class UserNetworks
{
    /// <summary>conv(3->8, no bias) + BN + ReLU + max-pool, conv(8->12, bias) + ReLU, global pool, flatten, linear(12->5).</summary>
    public static Module<Tensor, Tensor> SequentialCnn()
    {
        manual_seed(7);
        var net = Sequential(("conv1", Conv2d(3, 8, 3, padding: 1, bias: false)), ("bn1", BatchNorm2d(8)), ("relu1", ReLU()), ("pool", MaxPool2d(2)),
            ("conv2", Conv2d(8, 12, 3, padding: 1)), ("relu2", ReLU()), ("gap", AdaptiveAvgPool2d(1)), ("flat", Flatten()), ("fc", Linear(12, 5)));
        RandomiseBatchNorms(net);
        return net;
    }

    /// <summary>A stem, one residual block (a user-defined module) and a head: the coupling of notebook 09.</summary>
    public static Module<Tensor, Tensor> ResidualCnn()
    {
        manual_seed(11);
        var net = new ResidualCnn(3, 8, 4, dropout: 0.2);
        RandomiseBatchNorms(net);
        return net;
    }

    /// <summary>Running statistics, scales and shifts away from 0 / 1, so evaluation mode tests them.</summary>
    static void RandomiseBatchNorms(Module net)
    {
        using var _ = no_grad();
        foreach (var bn in net.modules().OfType<TorchSharp.Modules.BatchNorm2d>())
        {
            bn.running_mean!.copy_(rand(bn.running_mean.shape).mul_(OwnedScalars.Of(0.4)).sub_(OwnedScalars.Of(0.2)));
            bn.running_var!.copy_(rand(bn.running_var.shape).add_(OwnedScalars.Of(0.5)));
            bn.weight!.copy_(rand(bn.weight.shape).add_(OwnedScalars.Of(0.5)));
            bn.bias!.copy_(rand(bn.bias.shape).mul_(OwnedScalars.Of(0.4)).sub_(OwnedScalars.Of(0.2)));
        }
    }

    /// <summary>Every unit of every group is kept by exactly one member.</summary>
    public static void AssertDisjointAndCovering(SplitResult split)
    {
        foreach (var group in split.Parent.UnitGroups)
            for (var u = 0; u < group.Units; u++)
            {
                var owners = Enumerable.Range(0, split.Members).Count(k => split.Partition.MaskFor(k).UnitMask(group.Name)[u]);
                Assert.True(owners == 1, $"unit {u} of group '{group.Name}' is kept by {owners} members");
            }
    }

    /// <summary>Largest |a - b|.</summary>
    public static double MaxDifference(Tensor a, Tensor b) => a.sub(b).abs().max().item<float>();

    /// <summary>Each member's logits, masked (parent copy with its mask) and compact, and the fused network's when there is one; returns the largest difference.</summary>
    public static double MembersAgree(SplitResult split, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        double worst = 0;
        Tensor? fused = null;
        if (split.Fused is { } f)
        {
            f.eval();
            fused = f.call(input);
        }
        for (var k = 0; k < split.Members; k++)
        {
            using var masked = split.Masked(k);
            masked.eval();
            var expected = masked.call(input);
            worst = Math.Max(worst, MaxDifference(split.Compact[k].call(input), expected));
            if (fused is not null) worst = Math.Max(worst, MaxDifference(fused[k], expected));
        }
        return worst;
    }
}

/// <summary>relu(bn2(conv2(relu(bn1(conv1 x)))) + x): a residual block as a user writes it.</summary>
sealed class UserBlock : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv1, bn1, conv2, bn2;

    public UserBlock(int channels) : base(nameof(UserBlock))
    {
        conv1 = Conv2d(channels, channels, 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(channels);
        conv2 = Conv2d(channels, channels, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = functional.relu(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        return functional.relu(y.add(x, OwnedScalars.One));
    }
}

/// <summary>stem conv + BN + ReLU + 2x2 max-pool, one <see cref="UserBlock"/>, global pooling, dropout and a linear head: notebook 09's network.</summary>
sealed class ResidualCnn : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> stem, stem_bn, block, drop, head;

    public ResidualCnn(int channels, int width, int classes, double dropout = 0) : base(nameof(ResidualCnn))
    {
        stem = Conv2d(channels, width, 3, padding: 1, bias: false);
        stem_bn = BatchNorm2d(width);
        block = new UserBlock(width);
        drop = Dropout(dropout);
        head = Linear(width, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = functional.max_pool2d(functional.relu(stem_bn.call(stem.call(x))), [2, 2]);
        y = block.call(y);
        return head.call(drop.call(y.mean([2, 3])));
    }
}
