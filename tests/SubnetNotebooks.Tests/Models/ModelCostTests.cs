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

    // Independent FLOP formulas (2 x multiply-adds of every convolution and linear layer, biases and BatchNorm not
    // counted) for ResNet-18 (CIFAR stem) and WRN: conv1 of the first block of a later stage has stride 2 (padding 1:
    // the side becomes ceil(side / 2)), as has its 1x1 projection shortcut; both run at the output positions.
    static long Conv(int kernel, long inputs, long outputs, int side) => 2L * kernel * kernel * inputs * outputs * side * side;

    /// <param name="stem">stem output width</param>
    /// <param name="blocks">per block in order: (mid width, output width, stride)</param>
    static long ResidualFlops(int channels, int side, int stem, (int Mid, int Out, int Stride)[] blocks, int classes)
    {
        long flops = Conv(3, channels, stem, side);
        int inputs = stem;
        foreach (var (mid, output, stride) in blocks)
        {
            side = stride == 2 ? (side + 1) / 2 : side;
            flops += Conv(3, inputs, mid, side) + Conv(3, mid, output, side);
            if (stride != 1 || inputs != output) flops += Conv(1, inputs, output, side);
            inputs = output;
        }
        return flops + 2L * inputs * classes;
    }

    [Fact]
    public void ResNet18_and_WRN_flops_match_hand_counts_with_strided_and_projection_convolutions()
    {
        // TinyModels.ResNet: stages [4, 4, 8, 8], 3 x 8 x 8 input, 5 classes; two blocks a stage, strides 1, 2, 2, 2.
        using var resnet = TinyModels.ResNet();
        var resnetBlocks = new[] { (4, 4, 1), (4, 4, 1), (4, 4, 2), (4, 4, 1), (8, 8, 2), (8, 8, 1), (8, 8, 2), (8, 8, 1) };
        long expected = ResidualFlops(3, 8, 4, resnetBlocks, 5);
        // Worked out: stem 13,824; stage 1 73,728; stage 2 9,728 + 9,216; stage 3 7,168 + 9,216; stage 4 2,432 + 2,304; head 80.
        Assert.Equal(13_824 + 73_728 + 9_728 + 9_216 + 7_168 + 9_216 + 2_432 + 2_304 + 80, expected);
        Assert.Equal(expected, resnet.FlopsPerExample());

        // TinyModels.Wrn: WRN-10-1, widths 16, 16, 32, 64, one block a group, strides 1, 2, 2.
        using var wrn = TinyModels.Wrn();
        Assert.Equal(ResidualFlops(3, 8, 16, [(16, 16, 1), (32, 32, 2), (64, 64, 2)], 5), wrn.FlopsPerExample());

        // Member 0 of a two-way stripe partition keeps half of every group: the same formula at the kept widths.
        var mask = TinyModels.Stripe(resnet, 2, 0);
        int Kept(string group) => mask.KeptUnits(group);
        var kept = new List<(int, int, int)>();
        for (int s = 0; s < 4; s++)
            for (int b = 0; b < 2; b++)
                kept.Add((Kept($"stage{s + 1}_{b}.mid"), Kept($"stage{s + 1}"), s > 0 && b == 0 ? 2 : 1));
        Assert.Equal(ResidualFlops(3, 8, Kept("stage1"), kept.ToArray(), 5), resnet.FlopsPerExample(mask));
    }
}
