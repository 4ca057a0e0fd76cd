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

    [Fact]
    public void Hand_formulas_match_the_dense_models()
    {
        foreach (var family in new[] { "mlp", "smallcnn", "resnet18", "wrn" })
        {
            using var model = TinyModels.ByName(family);
            Assert.Equal(HandCount(family, MaskSet.Dense(model)), model.parameters().Sum(p => p.numel()));
        }
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
            Assert.Equal(model.FlopsPerExample(mask), thin.FlopsPerExample());

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

        var tooMany = Partitioner.Split(model, 6, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, 0);
        var empty = Assert.Throws<ArgumentException>(() => model.Compact(tooMany.MaskFor(5)));
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
