using SubnetNotebooks.Data;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Models;
using SubnetNotebooks.Weights;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Weights;

/// <summary>A state dict written by python3-torch under torchvision's ResNet-18 names initialises the kit's ResNet-18.</summary>
public class PretrainedWeightsTests() : InTempFolder("subnet-pretrained-")
{
    /// <summary>
    /// A torchvision-style ResNet-18 written independently in the test (conv1/bn1/layerS.B.../downsample/fc), widths
    /// 4-4-8-8, 5 classes; stem_kernel 3 is the CIFAR stem, 7 torchvision's ImageNet stem. Saves net.pt, input.pt, logits.pt.
    /// </summary>
    static string TorchvisionScript(int stemKernel) => $$"""
        import torch
        from torch import nn
        import torch.nn.functional as F
        torch.manual_seed(5)

        class Block(nn.Module):
            def __init__(self, inp, out, stride):
                super().__init__()
                self.conv1 = nn.Conv2d(inp, out, 3, stride, 1, bias=False)
                self.bn1 = nn.BatchNorm2d(out)
                self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
                self.bn2 = nn.BatchNorm2d(out)
                self.downsample = None
                if stride != 1 or inp != out:
                    self.downsample = nn.Sequential(nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out))
            def forward(self, x):
                y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
                return F.relu(y + (x if self.downsample is None else self.downsample(x)))

        class Net(nn.Module):
            def __init__(self, widths, classes):
                super().__init__()
                self.conv1 = nn.Conv2d(3, widths[0], {{stemKernel}}, 1, {{stemKernel / 2}}, bias=False)
                self.bn1 = nn.BatchNorm2d(widths[0])
                inp = widths[0]
                for s, w in enumerate(widths):
                    stride = 1 if s == 0 else 2
                    setattr(self, f"layer{s + 1}", nn.Sequential(Block(inp, w, stride), Block(w, w, 1)))
                    inp = w
                self.fc = nn.Linear(inp, classes)
            def forward(self, x):
                x = F.relu(self.bn1(self.conv1(x)))
                for s in range(4):
                    x = getattr(self, f"layer{s + 1}")(x)
                return self.fc(x.mean((2, 3)))

        net = Net([4, 4, 8, 8], 5)
        net.train()
        with torch.no_grad():
            for _ in range(3):
                net(torch.randn(8, 3, 8, 8) * 2 + 0.5)
        net.eval()
        x = torch.randn(6, 3, 8, 8)
        with torch.no_grad():
            logits = net(x)
        torch.save(net.state_dict(), "net.pt")
        torch.save({"x": x}, "input.pt")
        torch.save({"logits": logits}, "logits.pt")
        """;

    static PrunableModel KitResNet(int classes = 5)
    {
        manual_seed(9);
        return ModelFactory.Create(new ModelSpec("resnet18", [4, 4, 8, 8]), 3, 8, 8, classes);
    }

    [Fact]
    public void TorchvisionNamedStateDictGivesPyTorchsLogitsInTheKit()
    {
        PythonTorch.Run(TorchvisionScript(3), _dir);
        using var model = KitResNet();
        int loaded = PretrainedWeights.Load(model, Path.Combine(_dir, "net.pt"), []);
        Assert.Equal(model.state_dict().Count, loaded);
        model.eval();
        var x = StateDictFile.Read(Path.Combine(_dir, "input.pt"))["x"];
        var expected = StateDictFile.Read(Path.Combine(_dir, "logits.pt"))["logits"];
        using var _ = no_grad();
        using var logits = model.call(x);
        double gap = (logits - expected).abs().max().item<float>();
        Assert.True(gap < 1e-4, $"the kit's logits differ from PyTorch's by {gap}");
        Assert.True(expected.std().item<float>() > 1e-3, "PyTorch's logits vary");
    }

    [Fact]
    public void MisShapedStemAndHeadAreNamedWithTheFixAndSkippingThemLoadsTheRest()
    {
        PythonTorch.Run(TorchvisionScript(7), _dir);
        var file = Path.Combine(_dir, "net.pt");
        using var model = KitResNet(classes: 10);
        var error = Assert.Throws<ArgumentException>(() => PretrainedWeights.Load(model, file, []));
        Assert.Contains("stem.weight (file: conv1.weight) is [4, 3, 7, 7] in the file, [4, 3, 3, 3] in the model", error.Message);
        Assert.Contains("head.weight (file: fc.weight) is [5, 8] in the file, [10, 8] in the model", error.Message);
        Assert.Contains("head.bias (file: fc.bias) is [5] in the file, [10] in the model", error.Message);
        Assert.Contains("--set pretrainedSkip=stem,head", error.Message);
        Assert.DoesNotContain("stage1_0", error.Message);

        var fresh = model.state_dict()["head.weight"].clone();
        int loaded = PretrainedWeights.Load(model, file, ["stem", "head"]);
        Assert.Equal(model.state_dict().Count - 1 - 5 - 2, loaded); // stem conv; stem BatchNorm: weight, bias, mean, var, count; head: weight, bias
        var state = StateDictFile.Read(file);
        Assert.True(model.state_dict()["stage3_0.shortcut_bn.running_var"].allclose(state["layer3.0.downsample.1.running_var"]));
        Assert.True(model.state_dict()["head.weight"].allclose(fresh, rtol: 0, atol: 0), "a skipped head keeps its fresh initialisation");
    }

    [Fact]
    public void ThePretrainedFieldInitialisesEveryNetworkOfTheRecipe()
    {
        PythonTorch.Run(TorchvisionScript(3), _dir);
        var config = new ExperimentConfig { Model = "resnet18", Widths = [4, 4, 8, 8], Pretrained = Path.Combine(_dir, "net.pt") }
            .Set("pretrainedSkip", "head");
        Assert.Equal(["head"], config.PretrainedSkip);
        var info = new DatasetInfo("test", "test", 5, 3, 8, 10, 10, "", "", Normalization.Identity(3), "");
        var recipe = Methods.Recipe(config, info);
        var state = StateDictFile.Read(config.Pretrained);
        using var a = recipe(1, 0);
        using var b = recipe(2, 0.1);
        foreach (var m in new[] { a, b })
            Assert.True(m.state_dict()["stage2_1.conv2.weight"].allclose(state["layer2.1.conv2.weight"], rtol: 0, atol: 0));
        Assert.False(a.state_dict()["head.weight"].allclose(b.state_dict()["head.weight"], rtol: 0, atol: 0), "skipped heads keep each seed's own initialisation");

        var mlp = config with { Model = "mlp", Widths = [8] };
        var error = Assert.Throws<ArgumentException>(() => Methods.Recipe(mlp, info)(1, 0));
        Assert.Contains("torchvision's ResNet names", error.Message);
    }
}
