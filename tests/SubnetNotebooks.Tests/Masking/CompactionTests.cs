using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Tests.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Masking;

public class CompactionTests
{
    // Independent parameter formulas for the tiny models of TinyModels, as functions of the kept widths.
    static long MlpParams(int w1, int w2) => 16 * w1 + w1 + w1 * w2 + w2 + w2 * 3 + 3;

    static long CnnParams(int c1, int c2) => 9 * 1 * c1 + 2 * c1 + 9 * c1 * c2 + 2 * c2 + c2 * 3 + 3;

    static long ResNetParams(int[] w, int c, int k)
    {
        long p = 9L * c * w[0] + 2 * w[0];
        var inW = w[0];
        for (var s = 0; s < 4; s++)
            for (var b = 0; b < 2; b++)
            {
                var o = w[s];
                p += 9L * inW * o + 2 * o + 9L * o * o + 2 * o;
                if (s > 0 && b == 0) p += (long)inW * o + 2 * o;
                inW = o;
            }
        return p + (long)inW * k + k;
    }

    static long Wrn10Params(int[] w, int c, int k)
    {
        long p = 9L * c * w[0];
        var inW = w[0];
        for (var g = 1; g <= 3; g++)
        {
            var o = w[g];
            p += 2 * inW + 9L * inW * o + 2 * o + 9L * o * o;
            if (g > 1) p += (long)inW * o;
            inW = o;
        }
        return p + 2 * inW + (long)inW * k + k;
    }

    static long HandCount(string family, MaskSet m) => family switch
    {
        "mlp" => MlpParams(m.KeptUnits("fc1"), m.KeptUnits("fc2")),
        "smallcnn" => CnnParams(m.KeptUnits("conv1"), m.KeptUnits("conv2")),
        "resnet18" => ResNetParams([m.KeptUnits("stage1"), m.KeptUnits("stage2"), m.KeptUnits("stage3"), m.KeptUnits("stage4")], 3, 5),
        _ => Wrn10Params([m.KeptUnits("stem"), m.KeptUnits("stem"), m.KeptUnits("group2"), m.KeptUnits("group3")], 3, 5),
    };

    /// <summary>
    /// FLOPs per example (2 x multiply-adds of the linear and convolution layers; BatchNorm, pooling and additions not
    /// counted) of the tiny models at the kept widths: a layer costs in x out x k x k x (output positions). MLP on 1x4x4;
    /// SmallCnn on 1x8x8 (conv1 at 8x8, then a 2x2 pool, conv2 at 4x4, global mean); ResNet-18 and WRN-10 on 3x8x8
    /// (stride 2 at the start of every later stage: 8x8, 4x4, 2x2, 1x1 for ResNet's stages, 8x8, 4x4, 2x2 for WRN's groups).
    /// </summary>
    static long HandFlops(string family, MaskSet m)
    {
        int K(string group) => m.KeptUnits(group);
        long macs;
        switch (family)
        {
            case "mlp":
                macs = 16L * K("fc1") + (long)K("fc1") * K("fc2") + 3L * K("fc2");
                break;
            case "smallcnn":
                macs = 9L * 1 * K("conv1") * 64 + 9L * K("conv1") * K("conv2") * 16 + 3L * K("conv2");
                break;
            case "resnet18":
            {
                int[] positions = [64, 16, 4, 1];
                long inputs = K("stage1");
                macs = 9L * 3 * inputs * 64;
                for (var s = 0; s < 4; s++)
                    for (var b = 0; b < 2; b++)
                    {
                        long mid = K($"stage{s + 1}_{b}.mid"), outputs = K($"stage{s + 1}");
                        macs += (9 * inputs * mid + 9 * mid * outputs) * positions[s];
                        if (s > 0 && b == 0) macs += inputs * outputs * positions[s]; // 1x1 projection
                        inputs = outputs;
                    }
                macs += inputs * 5;
                break;
            }
            default:
            {
                long stem = K("stem"), m1 = K("group1_0.mid"), m2 = K("group2_0.mid"), g2 = K("group2"), m3 = K("group3_0.mid"), g3 = K("group3");
                macs = 9 * 3 * stem * 64
                    + (9 * stem * m1 + 9 * m1 * stem) * 64                // group 1: identity shortcut, 8x8
                    + (9 * stem * m2 + 9 * m2 * g2 + stem * g2) * 16      // group 2: stride 2 and a projection, 4x4
                    + (9 * g2 * m3 + 9 * m3 * g3 + g2 * g3) * 4           // group 3: 2x2
                    + g3 * 5;
                break;
            }
        }
        return 2 * macs;
    }

    [Fact]
    public void Hand_formulas_match_the_dense_models()
    {
        foreach (var family in new[] { "mlp", "smallcnn", "resnet18", "wrn" })
        {
            using var model = TinyModels.ByName(family);
            Assert.Equal(HandCount(family, MaskSet.Dense(model)), model.parameters().Sum(p => p.numel()));
            Assert.Equal(HandFlops(family, MaskSet.Dense(model)), model.FlopsPerExample());
        }
        // MLP 16-6-5-3: 2 x (16 x 6 + 6 x 5 + 5 x 3) = 2 x 141 = 282.
        using var mlp = TinyModels.Mlp();
        Assert.Equal(282, mlp.FlopsPerExample());
    }

    [Theory]
    [MemberData(nameof(TinyModels.Families), MemberType = typeof(TinyModels))]
    public void Compact_subnetwork_has_only_its_parameters_and_the_masked_outputs(string family)
    {
        using var model = TinyModels.ByName(family, dropout: 0.2);
        // Give BatchNorm non-trivial running statistics first.
        model.train();
        using (no_grad())
            for (var i = 0; i < 3; i++) { var (xb, _) = TinyModels.Batch(model, 4, 40 + i); model.call(xb * 2 + 0.5); }
        var partition = Partitioner.Split(model, 2, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, 1);
        var (x, _) = TinyModels.Batch(model, 3, 11);
        for (var member = 0; member < 2; member++)
        {
            var mask = partition.MaskFor(member);
            using var thin = model.Compact(mask);
            Assert.Equal(HandCount(family, mask), thin.parameters().Sum(p => p.numel()));
            Assert.Equal(HandCount(family, mask), model.ActiveParameters(mask));
            Assert.Equal(HandFlops(family, mask), thin.FlopsPerExample());
            Assert.Equal(HandFlops(family, mask), model.FlopsPerExample(mask));

            using var masked = model.CloneModel();
            masked.ApplyMask(mask);
            masked.eval();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var diff = (masked.call(x) - thin.call(x)).abs().max().item<float>();
            Assert.True(diff < 1e-5f, $"{family} member {member}: max |masked - compact| = {diff}");
        }
    }

    [Fact]
    public void Weight_level_masks_and_empty_groups_cannot_be_compacted()
    {
        using var model = TinyModels.Mlp();
        var weights = Partitioner.Split(model, 2, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Weight, 0);
        var e = Assert.Throws<ArgumentException>(() => model.Compact(weights.MaskFor(0)));
        Assert.Contains("MaskGranularity.Unit", e.Message);

        // Member 6 of 6 stripes keeps unit 5 of fc1's 6 and none of fc2's 5 (a partitioner refuses such a split; a hand-made mask can still hold one).
        var empty = Assert.Throws<ArgumentException>(() => model.Compact(TinyModels.Stripe(model, 6, 5)));
        Assert.Contains("keeps 0 of the 5 units of group 'fc2'", empty.Message);
    }

    [Fact]
    public void Weight_level_masked_model_keeps_masked_weights_zero_in_training()
    {
        using var model = TinyModels.Cnn();
        var mask = Partitioner.Split(model, 3, PruningCriterion.Random, PartitionStrategy.Random, MaskGranularity.Weight, 2).MaskFor(1);
        model.ApplyMask(mask);
        model.train();
        using var opt = new SubnetNotebooks.Training.Sgd(model.parameters(), 0.1, momentum: 0.9, weightDecay: 5e-4);
        for (var step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = TinyModels.Batch(model, 4, step);
            opt.ZeroGrad();
            nn.functional.cross_entropy(model.call(x), y).backward();
            opt.Step();
        }
        foreach (var layer in model.MaskedLayers.Where(l => l.IsWeightLayer))
        {
            var w = layer.Weight.detach().data<float>().ToArray();
            var keep = mask.WeightMask(layer.Path)!;
            for (var f = 0; f < w.Length; f++) if (!keep[f]) Assert.Equal(0.0f, w[f]);
        }
    }
}
