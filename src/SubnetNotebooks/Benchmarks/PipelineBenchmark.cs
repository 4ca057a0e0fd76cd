using System.Globalization;
using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Benchmarks;

/// <summary>
/// Figure i: the CIFAR training pipeline (shuffle, gather from device-resident uint8 data, pad-4 crop + flip, normalise)
/// in images/s / ResNet-18 training steps in images/s, on the same device (CUDA when available, else the CPU), batch
/// alike; beside it, the pipeline alone on the CPU with the benchmark's threads, against 50,000 images/s.
/// </summary>
public sealed class PipelineBenchmark(BenchmarkSettings settings)
{
    /// <summary>Images per second the pipeline alone should reach on the CPU (2 cores).</summary>
    public const double CpuTarget = 50_000;
    const int Classes = 10;
    static readonly Normalization Cifar10 = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>Measures figure i.</summary>
    public BenchmarkFigure Run()
    {
        var device = TorchRuntime.ResolveDevice("auto");
        manual_seed(13);
        using var data = new ImageDataset("synthetic-cifar", randint(0, 256, [settings.PipelineSamples, 3, 32, 32]).to(ScalarType.Byte),
            randint(0, Classes, [settings.PipelineSamples]), Classes);
        var iterator = new BatchIterator(data, settings.BatchSize, Cifar10, shuffle: true, seed: 11, augment: new RandomCropFlip(32, padding: 4),
            pipeline: new PipelineOptions { Prefetch = 0 });
        int repetitions = Math.Max(3, settings.Repetitions / 3);
        double cpuRate = ImagesPerSecond(iterator, CPU, repetitions);
        double pipelineRate = device.type == DeviceType.CPU ? cpuRate : ImagesPerSecond(iterator, device, repetitions);
        double trainingRate = TrainingImagesPerSecond(device);
        string where = device.type == DeviceType.CPU ? $"CPU, {settings.Threads} threads" : device.ToString();
        return new("i", $"CIFAR pipeline images/s / ResNet-18[{string.Join(",", settings.ResNetWidths)}] training images/s ({where})",
            pipelineRate / trainingRate, 5, TargetKind.AtLeast, $"{Rate(pipelineRate)} images/s", $"{Rate(trainingRate)} images/s",
            $"pipeline alone on the CPU, {settings.Threads} threads: {Rate(cpuRate)} images/s (target >= {Rate(CpuTarget)}: " +
            $"{(cpuRate >= CpuTarget ? "met" : "missed")}); {settings.PipelineSamples:N0} uint8 3x32x32 images, pad-4 crop + flip, " +
            $"normalise, batch {settings.BatchSize}, data on the device: {(iterator.KeepsDataOnDevice ? "yes" : "no")}");
    }

    /// <summary>Images per second of whole pipeline epochs on <paramref name="device"/> (median epoch, after one warm-up epoch).</summary>
    static double ImagesPerSecond(BatchIterator iterator, Device device, int repetitions)
    {
        int epoch = 0;
        Action Epoch = () =>
        {
            using var scope = NewDisposeScope();
            Tensor? last = null;
            foreach (var (images, labels) in iterator.Epoch(epoch++, device)) { last?.Dispose(); labels.Dispose(); last = images; }
            // Waits for the device to finish the epoch's work.
            last?.sum().item<float>();
        };
        var seconds = BenchmarkHarness.Median(BenchmarkHarness.Time(Epoch, 1, repetitions));
        return iterator.Data.Count / seconds;
    }

    /// <summary>Images per second of ResNet-18 SGD steps on one fixed batch on <paramref name="device"/>.</summary>
    double TrainingImagesPerSecond(Device device)
    {
        manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec("resnet18", settings.ResNetWidths), 3, 32, 32, Classes);
        model.to(device);
        model.train();
        using var optimizer = Trainer.CreateOptimizer(model, new TrainingOptions { Epochs = 1, BatchSize = settings.BatchSize, LearningRate = 0.05 });
        using var x = randn([settings.BatchSize, 3, 32, 32]).to(device).DetachFromDisposeScope();
        using var y = randint(0, Classes, [settings.BatchSize]).to(device).DetachFromDisposeScope();
        Action Step = () =>
        {
            using var scope = NewDisposeScope();
            Trainer.Step(model, optimizer, x, y).Loss.item<float>();
        };
        var seconds = BenchmarkHarness.Median(BenchmarkHarness.Time(Step, 1, settings.ResNetRepetitions));
        return settings.BatchSize / seconds;
    }

    static string Rate(double perSecond) => perSecond.ToString(perSecond >= 100 ? "N0" : "0.0##", CultureInfo.InvariantCulture);
}
