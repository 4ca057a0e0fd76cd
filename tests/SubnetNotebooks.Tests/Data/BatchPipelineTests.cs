using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Data;

[Collection(LiveTensorCount.Name)]
public class BatchPipelineTests
{
    // count images of channels x side x side with seeded random bytes; label = index % classes.
    static ImageDataset RandomImages(int count, int channels, int side, int seed, int classes = 10)
    {
        var bytes = new byte[count * channels * side * side];
        new Random(seed).NextBytes(bytes);
        return new ImageDataset("random", tensor(bytes, new long[] { count, channels, side, side }),
            tensor(Enumerable.Range(0, count).Select(i => (long)(i % classes)).ToArray()), classes);
    }

    // label = index, so batches can be traced back to their samples.
    static ImageDataset Indexed(int count, int side)
    {
        var bytes = new byte[count * side * side];
        new Random(1).NextBytes(bytes);
        return new ImageDataset("indexed", tensor(bytes, new long[] { count, 1, side, side }),
            tensor(Enumerable.Range(0, count).Select(i => (long)i).ToArray()), count);
    }

    static List<(float[] Images, long[] Labels)> Read(BatchIterator it, int epoch)
    {
        using var scope = NewDisposeScope();
        return it.Epoch(epoch).Select(b => (b.Images.contiguous().data<float>().ToArray(), b.Labels.data<long>().ToArray())).ToList();
    }

    static void AssertSameBatches(List<(float[] Images, long[] Labels)> a, List<(float[] Images, long[] Labels)> b)
    {
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Labels, b[i].Labels);
            Assert.Equal(a[i].Images, b[i].Images);
        }
    }

    public static TheoryData<string> Augmentations => new() { "none", "cropflip", "resizedcrop" };

    static IBatchAugmentation? Augmentation(string name) => name switch
    {
        "cropflip" => new RandomCropFlip(8, padding: 2),
        "resizedcrop" => new RandomResizedCropFlip(6),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Augmentations))]
    public void SameSeedSameBatchesWithAndWithoutPrefetchAndDeviceData(string augmentation)
    {
        using var data = RandomImages(37, 3, 8, seed: 2);
        var norm = new Normalization([0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.3f]);
        BatchIterator Make(long seed, PipelineOptions options) =>
            new(data, 8, norm, shuffle: true, seed: seed, augment: Augmentation(augmentation), pipeline: options);
        var plain = Make(7, new PipelineOptions { Prefetch = 0, DeviceData = DeviceDataMode.On });
        var prefetched = Make(7, new PipelineOptions { Prefetch = 2, DeviceData = DeviceDataMode.On });
        var gathered = Make(7, new PipelineOptions { Prefetch = 1, DeviceData = DeviceDataMode.Off });
        Assert.True(plain.KeepsDataOnDevice);
        Assert.False(gathered.KeepsDataOnDevice);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var reference = Read(plain, epoch);
            AssertSameBatches(reference, Read(prefetched, epoch));
            AssertSameBatches(reference, Read(gathered, epoch));
            AssertSameBatches(reference, Read(plain.WithSeed(7), epoch));
        }
        Assert.NotEqual(Read(plain, 0)[0].Labels, Read(Make(8, PipelineOptions.Default), 0)[0].Labels);
        if (augmentation != "none")
            Assert.NotEqual(Read(plain, 0)[0].Images, Read(new BatchIterator(data, 8, norm, seed: 9, augment: Augmentation(augmentation)), 0)[0].Images);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void AnEpochCoversEveryIndexExactlyOnce(int prefetch, bool dropLast)
    {
        using var data = Indexed(23, 6);
        var it = new BatchIterator(data, 5, Normalization.Identity(1), shuffle: true, seed: 4, augment: new RandomCropFlip(6, padding: 1),
            dropLast: dropLast, pipeline: new PipelineOptions { Prefetch = prefetch });
        var batches = Read(it, 3);
        var labels = batches.SelectMany(b => b.Labels).ToArray();
        Assert.Equal(dropLast ? new[] { 5, 5, 5, 5 } : new[] { 5, 5, 5, 5, 3 }, batches.Select(b => b.Labels.Length));
        Assert.Equal(labels.Length, labels.Distinct().Count());
        if (!dropLast) Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)i), labels.Order());
        Assert.Equal(it.Order(3).Take(labels.Length), labels);
    }

    [Fact]
    public void NormalisationMatchesTheMeanAndStdOfTheData()
    {
        using var data = RandomImages(20, 3, 5, seed: 3);
        var bytes = data.Pixels.data<byte>().ToArray();
        int plane = 25, n = 20;
        var mean = new float[3];
        var std = new float[3];
        for (int c = 0; c < 3; c++)
        {
            var values = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, plane).Select(p => bytes[(i * 3 + c) * plane + p] / 255.0)).ToArray();
            double m = values.Average();
            mean[c] = (float)m;
            std[c] = (float)Math.Sqrt(values.Select(v => (v - m) * (v - m)).Average());
        }
        var it = new BatchIterator(data, n, new Normalization(mean, std));
        using var scope = NewDisposeScope();
        var (x, _) = it.Epoch(0).Single();
        for (int c = 0; c < 3; c++)
        {
            var channel = x[.., c];
            Assert.Equal(0, channel.mean().item<float>(), 4);
            Assert.Equal(1, channel.std(unbiased: false).item<float>(), 4);
        }
        // One pixel by hand: image 4, channel 2, row 1, column 3.
        float expected = (bytes[(4 * 3 + 2) * plane + 1 * 5 + 3] / 255f - mean[2]) / std[2];
        Assert.Equal(expected, x[4, 2, 1, 3].item<float>(), 4);
    }

    [Fact]
    public void TheDeviceDataBudgetDecidesWhereTheDataLives()
    {
        using var data = RandomImages(10, 3, 4, seed: 1);
        long bytes = 10 * 3 * 4 * 4 + 8 * 10;
        Assert.Equal(bytes, data.Bytes);
        Assert.True(new PipelineOptions { DeviceDataLimitBytes = bytes }.KeepsOnDevice(data));
        Assert.False(new PipelineOptions { DeviceDataLimitBytes = bytes - 1 }.KeepsOnDevice(data));
        Assert.True(new PipelineOptions { DeviceData = DeviceDataMode.On, DeviceDataLimitBytes = 0 }.KeepsOnDevice(data));
        Assert.False(new PipelineOptions { DeviceData = DeviceDataMode.Off }.KeepsOnDevice(data));
        // CIFAR-10's 50,000 training images (150 MB) fit the default budget.
        Assert.True(50_000L * 3 * 32 * 32 + 8 * 50_000 <= PipelineOptions.Default.DeviceDataLimitBytes);
        // On the CPU the device copy is the dataset itself.
        Assert.Same(data.Pixels, data.On(CPU).Pixels);
        Assert.Equal(0, new PipelineOptions().PrefetchOn(CPU));
        Assert.Equal(1, new PipelineOptions().PrefetchOn(new Device(DeviceType.CUDA)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchIterator(data, 2, Normalization.Identity(3), pipeline: new PipelineOptions { Prefetch = 3 }));
    }

    [Fact]
    public void APrefetchedEpochLeaksNoTensors()
    {
        using var data = RandomImages(40, 3, 8, seed: 5);
        var it = new BatchIterator(data, 8, Normalization.Identity(3), shuffle: true, seed: 3, augment: new RandomCropFlip(8, padding: 2),
            pipeline: new PipelineOptions { Prefetch = 2 });
        long before = LiveTensorCount.Settled();
        var yielded = new List<Tensor>();
        using (var scope = NewDisposeScope())
        {
            foreach (var (x, y) in it.Epoch(0)) { yielded.Add(x); yielded.Add(y); }
            Assert.Equal(before + yielded.Count, Tensor.TotalCount);
        }
        Assert.All(yielded, t => Assert.True(t.IsInvalid));
        Assert.Equal(before, Tensor.TotalCount);
        // Stopping after one batch stops the producer and disposes the batches it had made ahead.
        using (var scope = NewDisposeScope())
        {
            var first = it.Epoch(1).First();
            Assert.Equal(new long[] { 8, 3, 8, 8 }, first.Images.shape);
        }
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void APrefetchedTrainingRunEqualsAPlainOne()
    {
        using var data = RandomImages(48, 1, 6, seed: 8, classes: 3);
        float[] Train(int prefetch)
        {
            manual_seed(11);
            using var model = ModelFactory.Create(new ModelSpec("mlp", [16], 0), 1, 6, 6, 3);
            var it = new BatchIterator(data, 8, Normalization.Identity(1), shuffle: true, seed: 2, augment: new RandomCropFlip(6, padding: 1),
                pipeline: new PipelineOptions { Prefetch = prefetch });
            Trainer.Fit(model, it, new TrainingOptions { Epochs = 2, BatchSize = 8, LearningRate = 0.1 }, CPU);
            return model.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
        }
        Assert.Equal(Train(0), Train(1));
    }
}
