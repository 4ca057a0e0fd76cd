using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Masking;

public class OverlapMasksTests
{
    static PrunableModel Wide()
    {
        manual_seed(1);
        return ModelFactory.Create(new ModelSpec("mlp", [400, 300]), 1, 4, 4, 3);
    }

    /// <summary>Mean over pairs of |A ∩ B| / |A ∪ B|, counted flag by flag over every group.</summary>
    static double HandIoU(IReadOnlyList<MaskSet> masks)
    {
        double sum = 0; int pairs = 0;
        for (int i = 0; i < masks.Count; i++)
            for (int j = i + 1; j < masks.Count; j++)
            {
                long both = 0, either = 0;
                foreach (var g in masks[i].Units.Keys)
                    for (int u = 0; u < masks[i].Units[g].Length; u++)
                    {
                        bool a = masks[i].Units[g][u], b = masks[j].Units[g][u];
                        if (a && b) both++;
                        if (a || b) either++;
                    }
                sum += (double)both / either; pairs++;
            }
        return sum / pairs;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void OverlapZeroIsAPartitionCoveringEveryUnit(int members)
    {
        using var model = Wide();
        var masks = OverlapMasks.ForModel(model, members, 0, seed: 5);
        foreach (var g in model.UnitGroups)
            for (int u = 0; u < g.Units; u++)
                Assert.Equal(1, masks.Count(m => m.UnitMask(g.Name)[u]));
        foreach (var g in model.UnitGroups)
            Assert.All(masks, m => Assert.InRange(m.KeptUnits(g.Name), g.Units / members, (g.Units + members - 1) / members));
        Assert.Equal(0, HandIoU(masks));
    }

    [Fact]
    public void MeasuredIoUGrowsWithTheOverlapAndFollowsTheExpectation()
    {
        using var model = Wide();
        const int m = 4;
        var measured = new[] { 0.0, 0.25, 0.5, 0.75, 1.0 }.Select(t => (t, iou: HandIoU(OverlapMasks.ForModel(model, m, t, seed: 2)))).ToArray();
        for (int i = 1; i < measured.Length; i++)
            Assert.True(measured[i].iou > measured[i - 1].iou, $"IoU at overlap {measured[i].t} ({measured[i].iou}) is not above {measured[i - 1].iou}");
        // Expected IoU: owned units are never shared, each free unit (share t) is kept by both with probability 1/M^2:
        // |A ∩ B| = t U / M^2 and |A ∪ B| = 2 U / M - t U / M^2, so IoU = t / (2M - t).
        foreach (var (t, iou) in measured)
            Assert.Equal(t / (2.0 * m - t), iou, 0.03);
        Assert.Equal(measured[^1].iou, OverlapMasks.MeanPairwiseIoU(OverlapMasks.ForModel(model, m, 1.0, seed: 2)), 12);
    }

    [Fact]
    public void OverlapOneKeepsAboutOneInMUnitsIndependently()
    {
        var masks = OverlapMasks.Generate(4000, 4, 1.0, new Random(3));
        Assert.All(masks, row => Assert.Equal(0.25, row.Count(f => f) / 4000.0, 0.03));
        // Units kept by nobody: (3/4)^4 of them for independent draws.
        double nobody = Enumerable.Range(0, 4000).Count(u => masks.All(r => !r[u])) / 4000.0;
        Assert.Equal(Math.Pow(0.75, 4), nobody, 0.03);
    }

    [Fact]
    public void RejectsOverlapOutsideTheUnitIntervalAndTooNarrowGroups()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OverlapMasks.Generate(10, 2, 1.5, new Random(1)));
        Assert.Throws<ArgumentException>(() => OverlapMasks.Generate(3, 4, 0.5, new Random(1)));
    }
}
