using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Models.Custom;
using SubnetNotebooks.Tests.Weights;
using SubnetNotebooks.Weights;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models.Custom;

public sealed class TorchvisionResNetTests(ITestOutputHelper output) : InTempFolder("tv-resnet-")
{
    /// <summary>torchvision's own resnet18 (Debian's python3-torchvision), random weights and BatchNorm statistics, its logits for random images.</summary>
    const string Script = """
        import torch, torchvision
        torch.manual_seed(0)
        net = torchvision.models.resnet18(num_classes=10)
        with torch.no_grad():
            for m in net.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
        net.eval()
        x = torch.randn(3, 3, 64, 64)
        with torch.no_grad():
            logits = net(x)
        torch.save(net.state_dict(), "resnet18.pt")
        torch.save({"x": x, "logits": logits}, "io.pt")
        """;

    [Fact]
    public void TorchvisionResNet18GivesPyTorchsLogitsAndSplitsIntoFourDisjointMembers()
    {
        PythonTorch.Run(Script, _dir);
        var model = (SplitNetwork)ModelFactory.Create(new ModelSpec("tv-resnet18", []), 3, 64, 64, 10);
        Assert.Equal(model.state_dict().Count, PretrainedWeights.Load(model, Path.Combine(_dir, "resnet18.pt"), []));
        model.eval();
        var io = StateDictFile.Read(Path.Combine(_dir, "io.pt"));
        using (no_grad())
        {
            var gap = UserNetworks.MaxDifference(model.call(io["x"]), io["logits"]);
            output.WriteLine($"max |kit - torchvision| logit difference: {gap:E2}");
            Assert.True(gap < 1e-4, $"the kit's logits differ from torchvision's by {gap}");
            Assert.True(io["logits"].std().item<float>() > 1e-2, "torchvision's logits vary");
        }

        // The residual streams are single groups: stem or projection, each block's conv2, and their BatchNorms.
        var groups = model.UnitGroups.ToDictionary(g => g.Name);
        Assert.Equal(["conv1", "bn1", "layer1.0.conv2", "layer1.0.bn2", "layer1.1.conv2", "layer1.1.bn2"], groups["stage1"].Layers);
        Assert.Equal(["layer2.0.conv2", "layer2.0.bn2", "layer2.0.downsample.0", "layer2.0.downsample.1", "layer2.1.conv2", "layer2.1.bn2"], groups["stage2"].Layers);
        Assert.Equal(4 + 8, model.UnitGroups.Count); // four streams and each block's conv1
        Assert.Equal(512, groups["stage4"].Units);

        using var split = Subnetworks.Split(model, 4);
        UserNetworks.AssertDisjointAndCovering(split);
        Assert.NotNull(split.Fused);
        var agree = UserNetworks.MembersAgree(split, io["x"]);
        output.WriteLine($"max |compact or fused - masked| member logit difference: {agree:E2}");
        Assert.True(agree < 1e-4, $"compact or fused members differ from the masked ones by {agree}");
    }
}
