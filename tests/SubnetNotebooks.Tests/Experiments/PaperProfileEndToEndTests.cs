using System.Text;
using System.Text.Json;
using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>
/// Every paper profile run end to end on small files in the real formats: the profile's dataset, model family,
/// recipe, augmentation, OOD set and resize/crop path, with overrides that keep it to seconds (a few hundred images,
/// narrow widths, one epoch, 40 -> 32 images for CUB-200 and 32 for Tiny-ImageNet); then the whole run folder is checked.
/// </summary>
public class PaperProfileEndToEndTests(PaperDatasetFiles files) : IClassFixture<PaperDatasetFiles>, IDisposable
{
    readonly string _runs = Directory.CreateTempSubdirectory("subnet-paper-runs-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    /// <summary>The profile with the overrides of a seconds-long run.</summary>
    ExperimentConfig Small(string profile)
    {
        var config = Profiles.Get(profile) with
        {
            DataDir = files.Root, OfficialSizes = false, ValidationSamples = 40, Members = 2,
            Epochs = 1, ParentEpochs = 1, SubnetEpochs = 1, BatchSize = 32, Threads = 2, Device = "cpu", Seed = 1,
        };
        // Shift metrics (every corruption x 5 severities) on CIFAR-10 only, on 10 images: the same code for every dataset.
        config = config with { ShiftSamples = profile == "paper-cifar10" ? 10 : 0 };
        config = config.Model == "wrn" ? config with { Depth = 10, Widths = [4, 4, 8, 8] } : config with { Widths = [4, 8, 8, 16] };
        return config.Dataset switch
        {
            "cub200" => config with { ImageSize = 40, CropSize = 32 },
            "tiny-imagenet" => config with { ImageSize = 32 },
            _ => config,
        };
    }

    /// <summary>(classes, test images) of the written files.</summary>
    static (int Classes, int Test) Written(string dataset) => dataset switch
    {
        "cifar10" => (10, 100),
        "cifar100" => (100, 100),
        _ => (200, 200),
    };

    static string NpyHeader(string path)
    {
        var npy = File.ReadAllBytes(path);
        return Encoding.ASCII.GetString(npy, 10, BitConverter.ToUInt16(npy, 8));
    }

    [Theory]
    [InlineData("paper-cifar10")]
    [InlineData("paper-cifar100")]
    [InlineData("paper-cifar10-wrn")]
    [InlineData("paper-cifar100-wrn")]
    [InlineData("paper-tinyimagenet")]
    [InlineData("paper-cub200")]
    public void ProfileRunsEndToEndAndWritesTheWholeRunFolder(string profile)
    {
        var config = Small(profile);
        var folder = Path.Combine(_runs, profile);
        var outcome = ExperimentRunner.Run(config, folder);

        Assert.Equal(config.Methods, outcome.Methods.Select(m => m.Method));
        Assert.Equal(config.ToJson(), ExperimentConfig.Load(Path.Combine(folder, "config.json")).ToJson());
        foreach (var file in new[] { "metrics.json", "metrics.csv", "report.html", "predictions/labels.npy" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Contains("<html", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.OrdinalIgnoreCase);

        var (classes, test) = Written(config.Dataset);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        foreach (var method in config.Methods)
        {
            var members = method == "single" ? 1 : config.Members;
            Assert.Contains($"'shape': ({members}, {test}, {classes})", NpyHeader(Path.Combine(folder, "predictions", $"{method}.npy")));
            var row = metrics.RootElement.GetProperty(method);
            Assert.InRange(row.GetProperty("accuracy").GetDouble(), 0, 1);
            Assert.True(double.IsFinite(row.GetProperty("nll").GetDouble()), method);
            Assert.Equal(config.ShiftSamples > 0, row.TryGetProperty("shift.mean.accuracy", out _));
            Assert.Equal(!string.IsNullOrEmpty(config.OodDataset), row.TryGetProperty("ood.auroc.entropy", out _));
        }
        // Every training run left its checkpoint: the full networks, M deep members, the parent and the subnetworks.
        foreach (var run in new[] { "single", "mcdropout", "subnet/parent" }.Concat(Enumerable.Range(1, config.Members).Select(k => $"deep/{k}")))
            Assert.True(File.Exists(Path.Combine(folder, "checkpoints", run, "last.ckpt")), run);
        var subnetRuns = Directory.GetFiles(Path.Combine(folder, "checkpoints", "subnet"), "last.ckpt", SearchOption.AllDirectories).Length;
        Assert.True(subnetRuns is 2 or 1 + 2, $"subnet checkpoints: {subnetRuns} (parent + fused, or parent + {config.Members} members)");
    }

    [Fact]
    public void CubNetworksSeeTheCropAndTinyImageNetTheResizedSide()
    {
        // Both have 200 classes and the same widths; CUB's 40x40 images are cropped to 32, Tiny-ImageNet's 64x64 resized
        // to 32: the same network, so the same FLOPs per example. Built at 40 instead, CUB's would be (40/32)^2 = 1.56x.
        var cub = ExperimentRunner.Run(Small("paper-cub200") with { Methods = ["single"], ShiftSamples = 0 }, Path.Combine(_runs, "cub"));
        var tiny = ExperimentRunner.Run(Small("paper-tinyimagenet") with { Methods = ["single"], ShiftSamples = 0 }, Path.Combine(_runs, "tiny"));
        Assert.Equal(tiny.Methods[0].FlopsPerExample, cub.Methods[0].FlopsPerExample);
    }
}
