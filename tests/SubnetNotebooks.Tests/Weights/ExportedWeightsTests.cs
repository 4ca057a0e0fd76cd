using SubnetNotebooks.Models;
using SubnetNotebooks.Tests.Models;
using SubnetNotebooks.Weights;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Weights;

/// <summary>Exported state dicts rebuilt by scripts/pytorch/subnet_models.py in python3-torch give the kit's logits.</summary>
public class ExportedWeightsTests() : InTempFolder("subnet-export-")
{
    public static IEnumerable<object[]> Networks() =>
    [
        ["mlp", new ModelSpec("mlp", [6, 5], 0.3), 1, 4],
        ["smallcnn", new ModelSpec("smallcnn", [4, 6]), 1, 8],
        ["resnet18", new ModelSpec("resnet18", [4, 4, 8, 8]), 3, 8],
        ["wrn", new ModelSpec("wrn", [4, 8, 8, 16], Depth: 10), 3, 8],
        ["wrn-identity-first-group", new ModelSpec("wrn", [], Depth: 10, WidthFactor: 1), 3, 8],
    ];

    /// <summary>Random running statistics: a few training-mode passes over random images.</summary>
    static void WarmBatchNorm(PrunableModel model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.train();
        for (int i = 0; i < 3; i++) model.call(randn(8, model.Channels, model.Height, model.Width) * 2 + 0.5);
        model.eval();
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void PyTorchGivesTheKitsLogitsForAFullNetworkAndACompactSubnetwork(string name, ModelSpec spec, int channels, int side)
    {
        manual_seed(11);
        using var parent = ModelFactory.Create(spec, channels, side, side, 5);
        WarmBatchNorm(parent);
        using var member = parent.Compact(TinyModels.Stripe(parent, 2, 1));
        member.eval();
        Assert.True(member.ActiveParameters() < parent.ActiveParameters() / 2, "the subnetwork is a thin network");

        var networks = new List<ExportedNetwork>();
        foreach (var (method, model) in new[] { ("deep", parent), ("subnet", member) })
        {
            var file = $"{method}/member1.pt";
            var state = StateDictFile.Of(model);
            StateDictFile.Write(Path.Combine(_dir, file), state);
            foreach (var t in state.Values) t.Dispose();
            networks.Add(WeightManifest.Describe(method, 1, file, model));
        }
        new WeightManifest("test", [channels, side, side], 5, [0f], [1f], networks, []).Save(Path.Combine(_dir, WeightManifest.FileName));
        manual_seed(12);
        using var x = randn(6, channels, side, side);
        StateDictFile.Write(Path.Combine(_dir, "input.pt"), new Dictionary<string, Tensor> { ["x"] = x });

        PythonTorch.Run("""
            import torch, subnet_models
            export = subnet_models.load_export(".")
            x = torch.load("input.pt")["x"]
            with torch.no_grad():
                out = {m: export.network(m, 1)(x).contiguous() for m in ["deep", "subnet"]}
            torch.save(out, "logits.pt")
            """, _dir);

        var python = StateDictFile.Read(Path.Combine(_dir, "logits.pt"));
        using var _ = no_grad();
        foreach (var (method, model) in new[] { ("deep", parent), ("subnet", member) })
        {
            using var kit = model.call(x);
            Assert.Equal(kit.shape, python[method].shape);
            double gap = (kit - python[method]).abs().max().item<float>();
            Assert.True(gap < 1e-4, $"{name} {method}: PyTorch's logits differ from the kit's by {gap}");
            Assert.True(kit.std().item<float>() > 1e-3, $"{name} {method}: logits vary across inputs and classes");
        }
        double between = (python["deep"] - python["subnet"]).abs().max().item<float>();
        Assert.True(between > 1e-3, $"{name}: the subnetwork is a different network from its parent");
    }
}
