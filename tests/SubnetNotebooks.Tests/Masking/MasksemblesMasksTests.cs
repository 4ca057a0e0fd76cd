using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Masking;

public class MasksemblesMasksTests
{
    static int Count(bool[] flags) => flags.Count(f => f);
    static int Shared(bool[] a, bool[] b) => a.Zip(b).Count(p => p.First && p.Second);

    [Fact]
    public void TwoMasksOverTwelveUnitsAtScaleTwoKeepEightEachAndShareFour()
    {
        // m = floor(12 / (2 (1 - (1/2)^2))) = floor(12 / 1.5) = 8; width 12 = 8 + 8 - shared, so shared = 4, IoU = 4 / 12.
        var masks = MasksemblesMasks.Generate(12, 2, 2.0, new Random(1));
        Assert.Equal(2, masks.Length);
        Assert.All(masks, m => Assert.Equal(12, m.Length));
        Assert.All(masks, m => Assert.Equal(8, Count(m)));
        Assert.Equal(4, Shared(masks[0], masks[1]));
        var iou = MaskOverlap.PairwiseIoU([new MaskSet(new Dictionary<string, bool[]> { ["g"] = masks[0] }), new MaskSet(new Dictionary<string, bool[]> { ["g"] = masks[1] })]);
        Assert.Equal(4.0 / 12.0, iou[0, 1], 12);
    }

    [Theory]
    [InlineData(20, 3, 2.0, 11)]   // floor(20 / (2 (1 - 0.5^3))) = floor(11.43)
    [InlineData(64, 4, 3.0, 26)]   // floor(64 / (3 (1 - (2/3)^4))) = floor(26.35)
    [InlineData(30, 4, 1.0, 30)]   // scale 1: every mask keeps every unit
    public void EveryMaskKeepsTheSameCountAndTogetherTheyCoverTheLayer(int units, int members, double scale, int ones)
    {
        Assert.Equal(ones, MasksemblesMasks.OnesPerMask(units, members, scale));
        var masks = MasksemblesMasks.Generate(units, members, scale, new Random(7));
        Assert.Equal(members, masks.Length);
        Assert.All(masks, m => Assert.Equal(ones, Count(m)));
        for (int u = 0; u < units; u++) Assert.Contains(masks, m => m[u]);
    }

    [Fact]
    public void LargerScaleMeansLessOverlap()
    {
        double MeanShared(double scale)
        {
            var rng = new Random(3);
            double total = 0;
            for (int trial = 0; trial < 20; trial++)
            {
                var m = MasksemblesMasks.Generate(128, 4, scale, rng);
                for (int i = 0; i < 4; i++) for (int j = i + 1; j < 4; j++) total += (double)Shared(m[i], m[j]) / Count(m[i]);
            }
            return total / (20 * 6);
        }
        double s15 = MeanShared(1.5), s3 = MeanShared(3), s5 = MeanShared(5);
        Assert.True(s15 > s3 && s3 > s5, $"shared fractions {s15}, {s3}, {s5} should fall as the scale grows");
    }

    [Fact]
    public void ForModelMasksEveryGroupAndRejectsImpossibleRequests()
    {
        manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec("mlp", [24, 16]), 1, 4, 4, 3);
        var masks = MasksemblesMasks.ForModel(model, 2, 2.0, seed: 9);
        Assert.Equal(2, masks.Count);
        foreach (var m in masks) m.Validate(model);
        // fc1: m = floor(24 / 1.5) = 16 is met exactly at s = 2. fc2: m = floor(16 / 1.5) = 10 reaches at most 15 units
        // for s in [1.6, 2.4], so the generator moves to m = 11 (width 11 * 2 * 0.75 = 16.5, floored to 16 at s = 2).
        Assert.All(masks, m => Assert.Equal(16, m.KeptUnits("fc1")));
        Assert.All(masks, m => Assert.Equal(11, m.KeptUnits("fc2")));
        Assert.All(new[] { "fc1", "fc2" }, g => Assert.True(Enumerable.Range(0, g == "fc1" ? 24 : 16).All(u => masks.Any(m => m.UnitMask(g)[u]))));
        Assert.Throws<ArgumentOutOfRangeException>(() => MasksemblesMasks.Generate(12, 2, 0.5, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MasksemblesMasks.Generate(12, 2, 7, new Random(1)));
    }
}
