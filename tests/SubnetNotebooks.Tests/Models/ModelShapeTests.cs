using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class ModelShapeTests
{
    [Theory]
    [InlineData("mlp", 1, 28, 28)]
    [InlineData("smallcnn", 1, 28, 28)]
    [InlineData("smallcnn", 3, 32, 32)]
    [InlineData("resnet18", 3, 16, 16)]
    [InlineData("wrn", 3, 16, 16)]
    public void Forward_gives_batch_by_classes_logits(string kind, int c, int h, int w)
    {
        var widths = kind switch { "mlp" => new[] { 8 }, "smallcnn" => [4, 8, 8], "resnet18" => [4, 4, 8, 8], _ => [] };
        manual_seed(0);
        using var model = ModelFactory.Create(new ModelSpec(kind, widths, 0.1, Depth: 10, WidthFactor: 1), c, h, w, 7);
        using var scope = NewDisposeScope();
        var y = model.call(randn(3, c, h, w));
        Assert.Equal(new long[] { 3, 7 }, y.shape);
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void ResNet18_groups_residual_streams_across_each_stage()
    {
        using var model = TinyModels.ResNet();
        // 4 residual streams + 8 block-internal groups.
        Assert.Equal(12, model.UnitGroups.Count);
        var stage1 = model.UnitGroups.Single(g => g.Name == "stage1");
        Assert.Equal(new[] { "stem", "stem_bn", "stage1_0.conv2", "stage1_0.bn2", "stage1_1.conv2", "stage1_1.bn2" }, stage1.Layers);
        var stage3 = model.UnitGroups.Single(g => g.Name == "stage3");
        Assert.Equal(8, stage3.Units);
        Assert.Equal(new[] { "stage3_0.conv2", "stage3_0.bn2", "stage3_0.shortcut", "stage3_0.shortcut_bn", "stage3_1.conv2", "stage3_1.bn2" }, stage3.Layers);
        Assert.Equal(["stage3_0.conv1", "stage3_0.bn1"], model.UnitGroups.Single(g => g.Name == "stage3_0.mid").Layers);
        // The head reads the last stream and its class outputs are never masked.
        var head = model.MaskedLayers.Single(l => l.Path == "head");
        Assert.Null(head.OutputGroup);
        Assert.Equal("stage4", head.InputGroup);
        Assert.Null(model.MaskedLayers.Single(l => l.Path == "stem").InputGroup);
    }

    [Fact]
    public void Wrn_10_1_has_one_block_per_group_and_identity_first_block()
    {
        using var model = TinyModels.Wrn();
        // widths 16,16,32,64: group 1 keeps the stem's stream (16 -> 16, stride 1); groups 2 and 3 project.
        Assert.Equal(new[] { "stem", "group1_0.mid", "group2_0.mid", "group2", "group3_0.mid", "group3" }, model.UnitGroups.Select(g => g.Name));
        Assert.Equal(new[] { 16, 16, 32, 32, 64, 64 }, model.UnitGroups.Select(g => g.Units));
        Assert.Equal(new[] { "stem", "group1_0.bn1", "group1_0.conv2", "group2_0.bn1" }, model.UnitGroups[0].Layers);
        Assert.DoesNotContain(model.MaskedLayers, l => l.Path == "group1_0.shortcut");
        Assert.Contains(model.MaskedLayers, l => l.Path == "group2_0.shortcut");
    }

    [Fact]
    public void Wrn_depth_28_width_10_has_paper_parameter_count()
    {
        manual_seed(0);
        using var model = ModelFactory.Create(new ModelSpec("wrn", []), 3, 32, 32, 10);
        // WRN-28-10 on CIFAR-10 has 36.5M parameters (Zagoruyko and Komodakis 2016, table 1).
        var total = model.parameters().Sum(p => p.numel());
        Assert.InRange(total, 36_400_000, 36_600_000);
        Assert.Equal(total, model.ActiveParameters());
    }

    [Fact]
    public void Unknown_kind_and_bad_depth_are_explained()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelSpec("vgg", []), 3, 8, 8, 10));
        Assert.Contains("mlp, smallcnn, resnet18, wrn", e.Message);
        var d = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelSpec("wrn", [], Depth: 12), 3, 8, 8, 10));
        Assert.Contains("6n + 4", d.Message);
    }
}
