using System.Text;
using StbImageWriteSharp;
using SubnetNotebooks.Tests.Data;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>
/// Small copies of the paper's datasets in their real formats, for end-to-end runs: CIFAR-10 and CIFAR-100 binaries,
/// a Tiny-ImageNet-200 folder and a CUB-200-2011 folder of JPEG files, both with all 200 classes and stored in class
/// order as the real ones are. Class k has its own colour, with noise, so every network can learn something.
/// </summary>
public sealed class PaperDatasetFiles : IDisposable
{
    public PaperDatasetFiles()
    {
        Root = Directory.CreateTempSubdirectory("subnet-paper-data-").FullName;
        WriteCifar10(Path.Combine(Root, "cifar-10-batches-bin"), trainPerBatch: 60, test: 100);
        WriteCifar100(Path.Combine(Root, "cifar-100-binary"), train: 300, test: 100);
        WriteTinyImageNet(Path.Combine(Root, "tiny-imagenet-200"), trainPerClass: 2);
        WriteCub(Path.Combine(Root, "CUB_200_2011"));
    }

    /// <summary>The data folder (--data-dir) holding all four.</summary>
    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>The colour of class k, channel c: well apart for neighbouring classes.</summary>
    static byte Shade(int k, int c) => (byte)((k * (37 + 54 * c) + 40 * c) % 256);

    static byte Noisy(Random rng, int k, int c) => (byte)Math.Clamp(Shade(k, c) + rng.Next(-20, 21), 0, 255);

    static void WriteCifar10(string folder, int trainPerBatch, int test)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(1);
        byte[] Records(int count, int offset) => Enumerable.Range(offset, count)
            .SelectMany(i => DatasetFiles.CifarRecord([(byte)(i % 10)], (c, _, _) => Noisy(rng, i % 10, c))).ToArray();
        for (int b = 1; b <= 5; b++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), Records(trainPerBatch, b * trainPerBatch));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(test, 0));
        File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"), ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]);
    }

    /// <summary>CIFAR-100 records: coarse label byte, fine label byte, then the pixels; here the fine class is i % 100.</summary>
    static void WriteCifar100(string folder, int train, int test)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(2);
        byte[] Records(int count) => Enumerable.Range(0, count)
            .SelectMany(i => DatasetFiles.CifarRecord([(byte)(i % 100 / 5), (byte)(i % 100)], (c, _, _) => Noisy(rng, i % 100, c))).ToArray();
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), Records(train));
        File.WriteAllBytes(Path.Combine(folder, "test.bin"), Records(test));
    }

    /// <summary>A JPEG of <paramref name="width"/> x <paramref name="height"/> in class k's colour with noise.</summary>
    static byte[] Jpeg(Random rng, int k, int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = Noisy(rng, k, i % 3);
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(rgb, width, height, ColorComponents.RedGreenBlue, stream, 90);
        return stream.ToArray();
    }

    /// <summary>Tiny-ImageNet-200: wnids.txt, train/&lt;wnid&gt;/images/*.JPEG (64x64), val/images + val_annotations.txt (one per class).</summary>
    static void WriteTinyImageNet(string folder, int trainPerClass)
    {
        var rng = new Random(3);
        var wnids = Enumerable.Range(0, 200).Select(k => $"n{k:00000000}").ToArray();
        Directory.CreateDirectory(Path.Combine(folder, "val", "images"));
        File.WriteAllLines(Path.Combine(folder, "wnids.txt"), wnids);
        var annotations = new StringBuilder();
        for (int k = 0; k < wnids.Length; k++)
        {
            var images = Path.Combine(folder, "train", wnids[k], "images");
            Directory.CreateDirectory(images);
            for (int i = 0; i < trainPerClass; i++) File.WriteAllBytes(Path.Combine(images, $"{wnids[k]}_{i}.JPEG"), Jpeg(rng, k, 64, 64));
            File.WriteAllBytes(Path.Combine(folder, "val", "images", $"val_{k}.JPEG"), Jpeg(rng, k, 64, 64));
            annotations.Append($"val_{k}.JPEG\t{wnids[k]}\t0\t0\t63\t63\n");
        }
        File.WriteAllText(Path.Combine(folder, "val", "val_annotations.txt"), annotations.ToString());
    }

    /// <summary>CUB-200-2011: images.txt, image_class_labels.txt, train_test_split.txt, classes.txt and images/&lt;class&gt;/*.jpg (48x40), one train and one test image per class, ids in class order.</summary>
    static void WriteCub(string folder)
    {
        var rng = new Random(4);
        StringBuilder images = new(), labels = new(), split = new(), classes = new();
        int id = 0;
        for (int k = 1; k <= 200; k++)
        {
            var name = $"{k:000}.Bird_{k}";
            classes.Append($"{k} {name}\n");
            Directory.CreateDirectory(Path.Combine(folder, "images", name));
            foreach (var train in new[] { 1, 0 })
            {
                id++;
                var file = $"{name}/Bird_{k}_{id}.jpg";
                File.WriteAllBytes(Path.Combine(folder, "images", file), Jpeg(rng, k - 1, 48, 40));
                images.Append($"{id} {file}\n");
                labels.Append($"{id} {k}\n");
                split.Append($"{id} {train}\n");
            }
        }
        File.WriteAllText(Path.Combine(folder, "images.txt"), images.ToString());
        File.WriteAllText(Path.Combine(folder, "image_class_labels.txt"), labels.ToString());
        File.WriteAllText(Path.Combine(folder, "train_test_split.txt"), split.ToString());
        File.WriteAllText(Path.Combine(folder, "classes.txt"), classes.ToString());
    }
}
