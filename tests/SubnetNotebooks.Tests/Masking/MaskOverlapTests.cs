using SubnetNotebooks.Masking;

namespace SubnetNotebooks.Tests.Masking;

public class MaskOverlapTests
{
    static MaskSet Keep(params int[] units) =>
        new(new Dictionary<string, bool[]> { ["g"] = Enumerable.Range(0, 5).Select(units.Contains).ToArray(), ["h"] = [true, false] });

    [Fact]
    public void Overlapping_masks_have_hand_computed_iou_and_shared_units()
    {
        // a keeps g{0,1,2} h{0}; b keeps g{2,3} h{0}: shared g2 and h0 = 2, union 4 + 3 - 2 = 5 -> IoU 2/5.
        var masks = new[] { Keep(0, 1, 2), Keep(2, 3) };
        var shared = MaskOverlap.PairwiseShared(masks);
        Assert.Equal(4, shared[0, 0]);
        Assert.Equal(3, shared[1, 1]);
        Assert.Equal(2, shared[0, 1]);
        var iou = MaskOverlap.PairwiseIoU(masks);
        Assert.Equal(2.0 / 5.0, iou[0, 1], 12);
        Assert.Equal(1.0, iou[1, 1]);
        Assert.Equal(2, MaskOverlap.SharedByMoreThanOne(masks));
    }

    [Fact]
    public void Masks_of_different_models_are_not_compared()
    {
        var other = new MaskSet(new Dictionary<string, bool[]> { ["x"] = [true] });
        var e = Assert.Throws<ArgumentException>(() => MaskOverlap.PairwiseIoU([Keep(0), other]));
        Assert.Contains("same model", e.Message);
    }
}
