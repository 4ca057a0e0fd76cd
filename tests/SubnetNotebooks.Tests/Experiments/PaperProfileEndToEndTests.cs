using SubnetNotebooks.Models;
using System.Text;
using System.Text.Json;
using SubnetNotebooks.Data;
using SubnetNotebooks.Experiments;
using TorchSharp;
using Xunit.Abstractions;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>
/// Every paper profile run end to end on small files in the real formats (<see cref="PaperDatasetFiles"/>): the profile's
/// dataset, model family, recipe, augmentation, OOD set and resize/crop path, with overrides that keep it to seconds
/// (120 training images of 4 flat-coloured classes, narrow widths, batches of 8, three epochs, 40 -> 32 images for
/// CUB-200 and 32 for Tiny-ImageNet); then the whole run folder is checked, every method must be more accurate than
/// guessing among the used classes, and the batches the networks see must be the written colours normalised with
/// the dataset's published constants.
/// </summary>
public class PaperProfileEndToEndTests(PaperDatasetFiles files, ITestOutputHelper output) : IClassFixture<PaperDatasetFiles>, IDisposable
{
    readonly string _runs = Directory.CreateTempSubdirectory("subnet-paper-runs-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    /// <summary>
    /// The profile with the overrides of a seconds-long run. Batches of 8 and three epochs give every training run
    /// 3 x 120 / 8 = 45 steps, the last at a quarter of the rate under the cosine schedule (the WRN profiles warm up
    /// during the first epoch): enough for BatchNorm's running statistics (momentum 0.1, 0.9^45 = 0.9% of the initial
    /// ones left) to follow the trained weights. With one epoch of 32 (8 steps) every method sat at chance.
    /// </summary>
    ExperimentConfig Small(string profile)
    {
        var config = Profiles.Get(profile) with
        {
            DataDir = files.Root, OfficialSizes = false, ValidationSamples = 40, Members = 2,
            Epochs = 3, ParentEpochs = 3, SubnetEpochs = 3, BatchSize = 8, Threads = 2, Device = "cpu", Seed = 1,
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

    /// <summary>Classes of <paramref name="dataset"/> (the networks' outputs; only 10 of them have images).</summary>
    static int Classes(string dataset) => dataset switch { "cifar10" => 10, "cifar100" => 100, _ => 200 };

    const int TestImages = PaperDatasetFiles.UsedClasses * PaperDatasetFiles.TestPerClass;

    /// <summary>
    /// Fewest correct test answers that guessing reaches with probability below 1e-3: the smallest k with
    /// P(X >= k) &lt; 1e-3 for X ~ Binomial(n, 1/4), 1/4 being a guess among the 4 used classes (a network that
    /// answers one class for every image, or only tells the used classes from the others, gets exactly n/4). For the
    /// n = 100 test images: k = 40 (P(X >= 40) = 6.9e-4, P(X >= 39) = 1.4e-3), an accuracy of at least 0.40.
    /// </summary>
    static int AboveChance(int n, double p = 1.0 / PaperDatasetFiles.UsedClasses, double alpha = 1e-3)
    {
        var pmf = new double[n + 1];
        pmf[0] = Math.Pow(1 - p, n);
        for (int i = 0; i < n; i++) pmf[i + 1] = pmf[i] * (n - i) / (i + 1) * p / (1 - p);
        double tail = 0;
        for (int k = n; k >= 0; k--)
        {
            if (tail + pmf[k] >= alpha) return k + 1;
            tail += pmf[k];
        }
        return 0;
    }

    [Fact]
    public void TheChanceBoundIsTheBinomialTail() => Assert.Equal(40, AboveChance(TestImages));

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

        int classes = Classes(config.Dataset), needed = AboveChance(TestImages);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        var accuracies = config.Methods.ToDictionary(m => m, m => metrics.RootElement.GetProperty(m).GetProperty("accuracy").GetDouble());
        output.WriteLine($"{profile}: {string.Join(", ", accuracies.Select(a => $"{a.Key} {a.Value:F2}"))} (needed {needed}/{TestImages})");
        foreach (var method in config.Methods)
        {
            var members = method == "single" ? 1 : config.Members;
            Assert.Contains($"'shape': ({members}, {TestImages}, {classes})", NpyHeader(Path.Combine(folder, "predictions", $"{method}.npy")));
            var row = metrics.RootElement.GetProperty(method);
            Assert.True(double.IsFinite(row.GetProperty("nll").GetDouble()), method);
            Assert.Equal(config.ShiftSamples > 0, row.TryGetProperty("shift.mean.accuracy", out _));
            Assert.Equal(!string.IsNullOrEmpty(config.OodDataset), row.TryGetProperty("ood.auroc.entropy", out _));
            // Guessing among the 4 used classes gets this many right with probability < 1e-3 (see AboveChance).
            var correct = (int)Math.Round(accuracies[method] * TestImages);
            Assert.True(correct >= needed, $"{profile} {method}: {correct}/{TestImages} correct, guessing reaches {needed} with p < 1e-3");
        }
        // Every training run left its checkpoint: the full networks, M deep members, the parent and the subnetworks.
        foreach (var run in new[] { "single", "mcdropout", "subnet/parent" }.Concat(Enumerable.Range(1, config.Members).Select(k => $"deep/{k}")))
            Assert.True(File.Exists(Path.Combine(folder, "checkpoints", run, "last.ckpt")), run);
        var subnetRuns = Directory.GetFiles(Path.Combine(folder, "checkpoints", "subnet"), "last.ckpt", SearchOption.AllDirectories).Length;
        Assert.True(subnetRuns is 2 or 1 + 2, $"subnet checkpoints: {subnetRuns} (parent + fused, or parent + {config.Members} members)");
    }

    /// <summary>The published per-channel mean and std of each dataset's training images (pixels in [0, 1]).</summary>
    static (double[] Mean, double[] Std) Published(string dataset) => dataset switch
    {
        "cifar10" => ([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]),
        "cifar100" => ([0.5071, 0.4865, 0.4409], [0.2673, 0.2564, 0.2762]),
        "tiny-imagenet" => ([0.4802, 0.4481, 0.3975], [0.2302, 0.2265, 0.2262]),
        "cub200" => ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), // ImageNet's
        _ => throw new ArgumentException(dataset),
    };

    /// <summary>
    /// The batches the networks see are the written images normalised with the dataset's published constants: every
    /// used class's mean colour, read back from the normalised training (centre, inside every crop), validation, test
    /// and OOD batches, is within 2 of the written colour (0-255), and only the used labels occur, 25 test images each.
    /// Pixels not scaled to [0, 1], channels swapped, another dataset's constants, a label off by one or a
    /// normalisation missing from one path would all move some class's colour by far more.
    /// </summary>
    [Theory]
    [InlineData("paper-cifar10")]
    [InlineData("paper-cifar100")]
    [InlineData("paper-tinyimagenet")]
    [InlineData("paper-cub200")]
    public void BatchesAreTheWrittenColoursNormalisedWithThePublishedConstants(string profile)
    {
        var config = Small(profile);
        var (mean, std) = Published(config.Dataset);
        using var data = ExperimentData.Load(config);
        int classes = Classes(config.Dataset);
        Assert.Equal(Enumerable.Repeat(PaperDatasetFiles.TestPerClass, PaperDatasetFiles.UsedClasses),
            Enumerable.Range(0, PaperDatasetFiles.UsedClasses).Select(j => data.Test.Labels.data<long>().Count(l => l == PaperDatasetFiles.Label(j, classes))));

        CheckColours($"{profile} train", data.TrainBatches(config, seed: 1), classes, mean, std, centre: true);
        CheckColours($"{profile} validation", data.EvaluationBatches(data.Validation, config), classes, mean, std);
        CheckColours($"{profile} test", data.EvaluationBatches(data.Test, config), classes, mean, std);
        if (data.Ood is not null)
        {
            // The OOD set keeps its own labels (the other CIFAR's) and is normalised like the in-distribution images.
            var oodClasses = Classes(config.OodDataset);
            CheckColours($"{profile} ood", data.EvaluationBatches(data.Ood, config), oodClasses, mean, std);
        }
    }

    void CheckColours(string what, BatchIterator batches, int classes, double[] mean, double[] std, bool centre = false)
    {
        var sums = new double[PaperDatasetFiles.UsedClasses, 3];
        var counts = new long[PaperDatasetFiles.UsedClasses];
        foreach (var (images, labels) in batches.Epoch(0))
            using (var scope = torch.NewDisposeScope())
            {
                var x = images;
                if (centre) // crops padded by 4 or resized keep the middle half of the image inside the image
                    x = x.narrow(2, x.shape[2] / 4, x.shape[2] / 2).narrow(3, x.shape[3] / 4, x.shape[3] / 2);
                var perImage = x.mean([2L, 3L]).data<float>().ToArray();
                var ys = labels.data<long>().ToArray();
                for (int i = 0; i < ys.Length; i++)
                {
                    int j = PaperDatasetFiles.UsedClass((int)ys[i], classes);
                    Assert.True(j >= 0, $"{what}: label {ys[i]} has no images written");
                    counts[j]++;
                    for (int c = 0; c < 3; c++) sums[j, c] += perImage[i * 3 + c];
                }
                images.Dispose(); labels.Dispose();
            }
        for (int j = 0; j < PaperDatasetFiles.UsedClasses; j++)
        {
            Assert.True(counts[j] > 0, $"{what}: no images of used class {j}");
            for (int c = 0; c < 3; c++)
            {
                double read = (sums[j, c] / counts[j] * std[c] + mean[c]) * 255;
                int written = PaperDatasetFiles.Colours[j][c];
                Assert.True(Math.Abs(read - written) <= 2, $"{what}: class {j} channel {c} reads {read:F2}, written {written}");
            }
        }
    }

    [Fact]
    public void CubNetworksSeeTheCropAndTinyImageNetTheResizedSide()
    {
        // CUB's 40x40 images are cropped to 32 and Tiny-ImageNet's 64x64 resized to 32, so each network is built for 32x32
        // inputs: its FLOPs per example are those of the same network at 32, not at the stored side (at 40, a ResNet's maps
        // are (40/32)^2 = 1.56x as large).
        foreach (var (profile, stored) in new[] { ("paper-cub200", 40), ("paper-tinyimagenet", 64) })
        {
            var config = Small(profile) with { Methods = ["single"], ShiftSamples = 0 };
            var run = ExperimentRunner.Run(config, Path.Combine(_runs, profile));
            long FlopsAt(int side)
            {
                using var model = ModelFactory.Create(new ModelSpec(config.Model, config.Widths, 0, config.Depth, config.WidthFactor), 3, side, side, 200);
                return model.FlopsPerExample();
            }
            Assert.NotEqual(FlopsAt(stored), FlopsAt(32));
            Assert.Equal(FlopsAt(32), run.Methods[0].FlopsPerExample);
        }
    }
}
