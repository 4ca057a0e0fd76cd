using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class ModelCostTests
{
    static PrunableModel TinyMlp() => ModelFactory.Create(new ModelSpec("mlp", [3, 4]), 1, 2, 2, 2);
    static PrunableModel TinyCnn() => ModelFactory.Create(new ModelSpec("smallcnn", [2, 4]), 1, 4, 4, 3);

    [Fact]
    public void Mlp_parameters_and_flops_match_hand_counts()
    {
        using var model = TinyMlp();
        // fc1 4x3+3, fc2 3x4+4, head 4x2+2
        Assert.Equal(15 + 16 + 10, model.ActiveParameters());
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ActiveParameters());
        // 2 x (12 + 12 + 8) multiply-adds
        Assert.Equal(64, model.FlopsPerExample());

        var mask = MaskSet.FromKeptUnits(model, new Dictionary<string, int[]> { ["fc1"] = [0, 2], ["fc2"] = [1] });
        // fc1 4x2+2, fc2 2x1+1, head 1x2+2
        Assert.Equal(10 + 3 + 4, model.ActiveParameters(mask));
        Assert.Equal(2 * (8 + 2 + 2), model.FlopsPerExample(mask));
        model.ApplyMask(mask);
        Assert.Equal(17, model.ActiveParameters());
        Assert.Equal(24, model.FlopsPerExample());
    }

    [Fact]
    public void Cnn_parameters_and_flops_match_hand_counts()
    {
        using var model = TinyCnn();
        // conv1 1x2x3x3 (no bias), bn1 2x2, conv2 2x4x3x3, bn2 2x4, head 4x3+3
        Assert.Equal(18 + 4 + 72 + 8 + 15, model.ActiveParameters());
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ActiveParameters());
        // conv1 at 4x4 positions, pool to 2x2, conv2 at 2x2, pool to 1x1, head
        Assert.Equal(2 * 18 * 16 + 2 * 72 * 4 + 2 * 12, model.FlopsPerExample());

        var mask = MaskSet.FromKeptUnits(model, new Dictionary<string, int[]> { ["conv1"] = [1], ["conv2"] = [0, 3] });
        // conv1 1x1x9, bn1 2, conv2 2x1x9, bn2 4, head 2x3+3
        Assert.Equal(9 + 2 + 18 + 4 + 9, model.ActiveParameters(mask));
        Assert.Equal(2 * 9 * 16 + 2 * 18 * 4 + 2 * 6, model.FlopsPerExample(mask));
    }

    [Fact]
    public void Weight_level_mask_counts_only_kept_weights()
    {
        using var model = TinyMlp();
        var units = model.UnitGroups.ToDictionary(g => g.Name, g => Enumerable.Repeat(true, g.Units).ToArray());
        var fc1 = new bool[12];
        fc1[0] = fc1[5] = fc1[11] = true;
        var mask = new MaskSet(units, new Dictionary<string, bool[]> { ["fc1"] = fc1 });
        // fc1 keeps 3 of 12 weights and its 3 biases; fc2 and head are whole.
        Assert.Equal(3 + 3 + 16 + 10, model.ActiveParameters(mask));
        Assert.Equal(2 * (3 + 12 + 8), model.FlopsPerExample(mask));
    }

    [Fact]
    public void Mask_for_another_architecture_is_rejected_with_the_group_name()
    {
        using var model = TinyMlp();
        var e = Assert.Throws<ArgumentException>(() => model.ApplyMask(new MaskSet(new Dictionary<string, bool[]> { ["fc1"] = new bool[3] })));
        Assert.Contains("'fc2'", e.Message);
        var len = Assert.Throws<ArgumentException>(() => model.ApplyMask(new MaskSet(new Dictionary<string, bool[]> { ["fc1"] = new bool[2], ["fc2"] = new bool[4] })));
        Assert.Contains("has 2 flags", len.Message);
    }
}
