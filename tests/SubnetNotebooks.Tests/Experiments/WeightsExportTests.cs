using SubnetNotebooks.Experiments;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Tests.Weights;
using SubnetNotebooks.Weights;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>`subnet export-weights` on a trained run folder: PyTorch reproduces the run's stored test predictions.</summary>
public class WeightsExportTests() : InTempFolder("subnet-export-run-")
{
    [Fact]
    public void ExportedMembersGiveTheRunsStoredPredictionsInPyTorch()
    {
        var config = Profiles.Smoke with
        {
            Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 2), TrainSamples = 0, TestSamples = 300,
            ValidationSamples = 100, ShiftSamples = 0, Model = "mlp", Widths = [16, 16], Members = 2, Methods = ["deep", "subnet"],
            Epochs = 1, ParentEpochs = 1, SubnetEpochs = 1, BatchSize = 64, Seed = 4,
        };
        var run = Path.Combine(_dir, "run");
        ExperimentRunner.Run(config, run);
        // A method listed but never trained here, and one whose members share a network: both are reported, not exported.
        (config with { Methods = ["deep", "subnet", "single", "mimo"] }).Save(Path.Combine(run, "config.json"));

        var manifest = WeightsExport.Run(run);

        var folder = WeightsExport.DefaultFolder(run);
        Assert.Equal(["deep 1", "deep 2", "subnet 1", "subnet 2"], manifest.Networks.Select(n => $"{n.Method} {n.Member}"));
        Assert.Equal(["single", "mimo"], manifest.Skipped.Select(s => s.Method));
        Assert.Equal([1, 8, 8], manifest.Input);
        Assert.Equal(10, manifest.Classes);
        var subnet = manifest.Networks.Where(n => n.Method == "subnet").ToArray();
        Assert.All(subnet, n => Assert.Equal(8, n.Groups["fc1"])); // compact members: half of 16 units each (round robin)

        using (var data = ExperimentData.Load(config))
            StateDictFile.Write(Path.Combine(_dir, "images.pt"), new Dictionary<string, Tensor> { ["x"] = data.Test.Pixels });
        PythonTorch.Run($$"""
            import torch, subnet_models
            export = subnet_models.load_export(r"{{folder}}")
            images = torch.load("images.pt")["x"]
            torch.save({m: export.ensemble_probs(m, images).contiguous() for m in ["deep", "subnet"]}, "probs.pt")
            """, _dir);

        var python = StateDictFile.Read(Path.Combine(_dir, "probs.pt"));
        foreach (var method in new[] { "deep", "subnet" })
        {
            var (values, shape) = NpyFormat.ReadFloat32(Path.Combine(run, "predictions", $"{method}.npy"));
            Assert.Equal([2L, 300, 10], shape);
            Assert.Equal(shape, python[method].shape);
            var fromPython = python[method].data<float>().ToArray();
            double gap = values.Zip(fromPython, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(gap < 1e-4, $"{method}: PyTorch's member probabilities differ from the run's by {gap}");
        }
    }
}
