using System.Text;
using StbImageWriteSharp;
using SubnetNotebooks.Tests.Data;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>
/// Small copies of the paper's datasets in their real formats, for end-to-end runs: CIFAR-10 and CIFAR-100 binaries,
/// a Tiny-ImageNet-200 folder and a CUB-200-2011 folder of JPEG files, the last two stored in class order as the real
/// ones are, with all 200 classes listed. The content is made to be learnable in a few dozen steps: every dataset uses
/// only <see cref="UsedClasses"/> of its classes (spread over its label range, see <see cref="Label"/>), with
/// <see cref="TrainPerClass"/> training and <see cref="TestPerClass"/> test images each, and every image of used class j is
/// the flat colour <see cref="Colours"/>[j] plus uniform per-pixel noise of at most <see cref="Noise"/>. Flat colours
/// survive every augmentation (crops, flips, resizes), and the loaded images' per-channel means are known, so a test
/// can check the normalisation. Four classes, not ten: with ten colours (at least 97 apart) the narrow networks of the
/// end-to-end runs reached a training accuracy of only 0.15-0.5 in 40 steps and a test accuracy of 0.13-0.47, while
/// with four colours at corners of the RGB cube every method cleared the chance bound in 45 steps (test accuracy 0.50-1.00).
/// </summary>
public sealed class PaperDatasetFiles : IDisposable
{
    /// <summary>Classes that have images; the others are listed (200-class folders) but empty.</summary>
    public const int UsedClasses = 4;

    /// <summary>Training images of every used class (before the run holds out its validation images).</summary>
    public const int TrainPerClass = 40;

    /// <summary>Test images of every used class.</summary>
    public const int TestPerClass = 25;

    /// <summary>Most a pixel's channel differs from its class colour (uniform and symmetric, so it averages out).</summary>
    public const int Noise = 16;

    /// <summary>
    /// The RGB colour of used class j: four corners of the cube [36, 220]^3 that form a regular tetrahedron, 260 apart, so
    /// every pair differs in two channels and every channel differs between classes; with the noise every value stays in 20..236.
    /// </summary>
    public static IReadOnlyList<byte[]> Colours { get; } =
    [[220, 220, 220], [220, 36, 36], [36, 220, 36], [36, 36, 220]];

    /// <summary>
    /// The label of used class j in a dataset of <paramref name="classes"/> classes: the last class of every quarter of
    /// the range (1, 3, 5, 7 for CIFAR-10; 24, 49, 74, 99 for CIFAR-100; 49, 99, 149, 199 for the 200-class sets), so the
    /// last label is among them.
    /// </summary>
    public static int Label(int j, int classes) => (j + 1) * (classes / UsedClasses) - 1;

    /// <summary>Used class j of <paramref name="label"/> (-1 when the label is not used).</summary>
    public static int UsedClass(int label, int classes) =>
        (label + 1) % (classes / UsedClasses) == 0 && (label + 1) / (classes / UsedClasses) <= UsedClasses ? (label + 1) / (classes / UsedClasses) - 1 : -1;

    public PaperDatasetFiles()
    {
        Root = Directory.CreateTempSubdirectory("subnet-paper-data-").FullName;
        WriteCifar10(Path.Combine(Root, "cifar-10-batches-bin"));
        WriteCifar100(Path.Combine(Root, "cifar-100-binary"));
        WriteTinyImageNet(Path.Combine(Root, "tiny-imagenet-200"));
        WriteCub(Path.Combine(Root, "CUB_200_2011"));
    }

    /// <summary>The data folder (--data-dir) holding all four.</summary>
    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>The pixels of one image of used class j, [channel][y][x]: the class colour plus uniform noise of at most <see cref="Noise"/>.</summary>
    static byte[,,] Pixels(Random rng, int j, int width, int height)
    {
        var image = new byte[3, height, width];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    image[c, y, x] = (byte)(Colours[j][c] + rng.Next(-Noise, Noise + 1));
        return image;
    }

    /// <summary>The used classes of <paramref name="count"/> images interleaved (image i is used class i % 4), as CIFAR's files mix them.</summary>
    static IEnumerable<int> Interleaved(int count) => Enumerable.Range(0, count).Select(i => i % UsedClasses);

    /// <summary>CIFAR-10: five training batches (together <see cref="TrainPerClass"/> per class) and the test batch.</summary>
    static void WriteCifar10(string folder)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(1);
        byte[] Records(int count) => Interleaved(count)
            .SelectMany(j => CifarRecord([(byte)Label(j, 10)], Pixels(rng, j, 32, 32))).ToArray();
        for (int b = 1; b <= 5; b++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), Records(TrainPerClass * UsedClasses / 5));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(TestPerClass * UsedClasses));
        File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"), ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]);
    }

    /// <summary>CIFAR-100 records: coarse label byte (here fine / 5), fine label byte, then the pixels.</summary>
    static void WriteCifar100(string folder)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(2);
        byte[] Records(int count) => Interleaved(count)
            .SelectMany(j => CifarRecord([(byte)(Label(j, 100) / 5), (byte)Label(j, 100)], Pixels(rng, j, 32, 32))).ToArray();
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), Records(TrainPerClass * UsedClasses));
        File.WriteAllBytes(Path.Combine(folder, "test.bin"), Records(TestPerClass * UsedClasses));
    }

    static byte[] CifarRecord(byte[] labels, byte[,,] image) => DatasetFiles.CifarRecord(labels, (c, y, x) => image[c, y, x]);

    /// <summary>A JPEG of <paramref name="width"/> x <paramref name="height"/> in used class j's colour with noise.</summary>
    static byte[] Jpeg(Random rng, int j, int width, int height)
    {
        var image = Pixels(rng, j, width, height);
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = image[i % 3, i / 3 / width, i / 3 % width];
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(rgb, width, height, ColorComponents.RedGreenBlue, stream, 90);
        return stream.ToArray();
    }

    /// <summary>
    /// Tiny-ImageNet-200: wnids.txt (200 classes), train/&lt;wnid&gt;/images/*.JPEG (64x64; empty for the unused classes),
    /// val/images + val_annotations.txt.
    /// </summary>
    static void WriteTinyImageNet(string folder)
    {
        var rng = new Random(3);
        var wnids = Enumerable.Range(0, 200).Select(k => $"n{k:00000000}").ToArray();
        Directory.CreateDirectory(Path.Combine(folder, "val", "images"));
        File.WriteAllLines(Path.Combine(folder, "wnids.txt"), wnids);
        foreach (var wnid in wnids) Directory.CreateDirectory(Path.Combine(folder, "train", wnid, "images"));
        var annotations = new StringBuilder();
        for (int j = 0; j < UsedClasses; j++)
        {
            var wnid = wnids[Label(j, 200)];
            for (int i = 0; i < TrainPerClass; i++)
                File.WriteAllBytes(Path.Combine(folder, "train", wnid, "images", $"{wnid}_{i}.JPEG"), Jpeg(rng, j, 64, 64));
        }
        // The real val folder mixes the classes: val_<n>.JPEG in no class order.
        int n = 0;
        foreach (var j in Interleaved(TestPerClass * UsedClasses))
        {
            File.WriteAllBytes(Path.Combine(folder, "val", "images", $"val_{n}.JPEG"), Jpeg(rng, j, 64, 64));
            annotations.Append($"val_{n++}.JPEG\t{wnids[Label(j, 200)]}\t0\t0\t63\t63\n");
        }
        File.WriteAllText(Path.Combine(folder, "val", "val_annotations.txt"), annotations.ToString());
    }

    /// <summary>
    /// CUB-200-2011: images.txt, image_class_labels.txt, train_test_split.txt, classes.txt (200 classes) and
    /// images/&lt;class&gt;/*.jpg (48x40), ids in class order with train and test images mixed within a class.
    /// </summary>
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
            int j = UsedClass(k - 1, 200);
            if (j < 0) continue;
            for (int i = 0; i < TrainPerClass + TestPerClass; i++)
            {
                id++;
                var file = $"{name}/Bird_{k}_{id}.jpg";
                File.WriteAllBytes(Path.Combine(folder, "images", file), Jpeg(rng, j, 48, 40));
                images.Append($"{id} {file}\n");
                labels.Append($"{id} {k}\n");
                // Test images spread through the class: exactly TestPerClass of the TrainPerClass + TestPerClass.
                split.Append($"{id} {(i * TestPerClass % (TrainPerClass + TestPerClass) < TestPerClass ? 0 : 1)}\n");
            }
        }
        File.WriteAllText(Path.Combine(folder, "images.txt"), images.ToString());
        File.WriteAllText(Path.Combine(folder, "image_class_labels.txt"), labels.ToString());
        File.WriteAllText(Path.Combine(folder, "train_test_split.txt"), split.ToString());
        File.WriteAllText(Path.Combine(folder, "classes.txt"), classes.ToString());
    }
}
