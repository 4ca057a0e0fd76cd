using SubnetNotebooks.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Metrics;

public class CorruptionsTests
{
    static Tensor RandomImages(int seed, long b = 2, long c = 3, long h = 12, long w = 12)
    {
        using var g = new Generator((ulong)seed);
        return rand([b, c, h, w], generator: g);
    }

    [Fact]
    public void Every_corruption_keeps_shape_and_range_and_is_seeded()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(1);
        foreach (var name in Corruptions.Names)
            for (int s = 1; s <= Corruptions.Severities; s++)
            {
                var a = Corruptions.Apply(name, s, images, seed: 5);
                Assert.Equal(images.shape, a.shape);
                Assert.True(a.min().item<float>() >= 0 && a.max().item<float>() <= 1, $"{name} {s} leaves [0, 1]");
                Assert.True(Same(a, Corruptions.Apply(name, s, images, seed: 5)), $"{name} {s} is not reproducible");
                Assert.False(Same(a, images), $"{name} {s} changed nothing");
            }
        Assert.False(Same(Corruptions.Apply("gaussian_noise", 3, images, 5), Corruptions.Apply("gaussian_noise", 3, images, 6)));
    }

    [Fact]
    public void Noise_has_the_documented_spread()
    {
        using var scope = NewDisposeScope();
        var gray = full([4, 1, 64, 64], 0.5f);
        // Gaussian noise severity 5: σ = 0.10 (clipping at 0 and 1 is 5σ away).
        Assert.Equal(0.10, (Corruptions.Apply("gaussian_noise", 5, gray, 1) - gray).std().item<float>(), 2);
        // Shot noise severity 5: Poisson(50·0.5)/50 has standard deviation √25/50 = 0.1.
        Assert.Equal(0.10, (Corruptions.Apply("shot_noise", 5, gray, 1) - gray).std().item<float>(), 2);
        Assert.Equal(0.04, (Corruptions.Apply("gaussian_noise", 1, gray, 1) - gray).std().item<float>(), 2);
    }

    [Fact]
    public void Contrast_and_brightness_by_hand()
    {
        using var scope = NewDisposeScope();
        // One RGB pixel pair per channel: channel 0 = [.2, .6] (mean .4).
        var img = tensor(new float[] { .2f, .6f, .4f, .4f, .1f, .3f }, [1, 3, 1, 2]);
        // Contrast severity 2 (c = .5): (x − .4)·.5 + .4 → [.3, .5]; channel 1 constant stays .4.
        var contrast = Corruptions.Apply("contrast", 2, img, 0).data<float>().ToArray();
        Assert.Equal(new[] { .3f, .5f, .4f, .4f, .15f, .25f }, contrast, new Near(1e-6));
        // Brightness severity 1 (c = .05), first pixel (.2, .4, .1): V = .4 → .45, scale 1.125
        // → (.225, .45, .1125). Second pixel (.6, .4, .3): V = .6 → .65, scale 13/12.
        var bright = Corruptions.Apply("brightness", 1, img, 0).data<float>().ToArray();
        Assert.Equal(new[] { .225f, .6f * 13 / 12, .45f, .4f * 13 / 12, .1125f, .3f * 13 / 12 }, bright, new Near(1e-6));
        // A black pixel becomes gray at V = c.
        Assert.Equal(0.3f, Corruptions.Apply("brightness", 5, zeros(1, 3, 1, 1), 0).max().item<float>(), 6);
    }

    [Fact]
    public void Blur_of_an_impulse_is_the_gaussian_kernel()
    {
        using var scope = NewDisposeScope();
        var impulse = zeros(1, 1, 9, 9);
        impulse[0, 0, 4, 4] = tensor(1f);
        // Severity 5: σ = 1, radius 3. Output at offset (dy, dx) is g(dy)·g(dx), g(k) = e^{−k²/2}/Σ_{|j|≤3} e^{−j²/2}.
        double z = Enumerable.Range(-3, 7).Sum(j => Math.Exp(-j * j / 2.0));
        double G(int k) => Math.Exp(-k * k / 2.0) / z;
        var blurred = Corruptions.Apply("gaussian_blur", 5, impulse, 0);
        Assert.Equal(G(0) * G(0), blurred[0, 0, 4, 4].item<float>(), 6);
        Assert.Equal(G(1) * G(2), blurred[0, 0, 5, 6].item<float>(), 6);
        Assert.Equal(G(3) * G(3), blurred[0, 0, 1, 7].item<float>(), 6);
        Assert.Equal(1.0, blurred.sum().item<float>(), 5);
    }

    [Fact]
    public void Pixelate_makes_blocks_and_keeps_flat_images()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(2, 1, 1, 20, 20);
        // Severity 4: c = .75 → 15×15 blocks, so at most 225 distinct values remain of 400.
        var p = Corruptions.Apply("pixelate", 4, images, 0);
        Assert.InRange(p.data<float>().ToArray().Distinct().Count(), 2, 225);
        var flat = full([1, 2, 10, 10], 0.3f);
        Assert.True(Corruptions.Apply("pixelate", 5, flat, 0).allclose(flat));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(3);
        Assert.Contains("expected one of gaussian_noise", Assert.Throws<ArgumentException>(() => Corruptions.Apply("fog", 1, images, 0)).Message);
        Assert.Contains("expected 1 to 5", Assert.Throws<ArgumentOutOfRangeException>(() => Corruptions.Apply("contrast", 6, images, 0)).Message);
        Assert.Contains("before normalising", Assert.Throws<ArgumentException>(() => Corruptions.Apply("contrast", 1, images * 3 - 1, 0)).Message);
        Assert.Equal(0.65, Corruptions.Parameter("pixelate", 5));
    }

    [Fact]
    public void Shift_report_measures_every_corruption_and_severity()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(4, b: 6);
        int[] labels = [0, 1, 0, 1, 0, 1];
        // A stand-in model: p(class 1) = mean brightness of the image, so corruptions move it.
        Predictions Predict(Tensor x)
        {
            float[] mean = x.mean([1, 2, 3]).data<float>().ToArray();
            return new Predictions(mean.SelectMany(v => new[] { 1 - v, v }).ToArray(), 1, mean.Length, 2, labels);
        }
        var report = ShiftReport.Measure(images, Predict, ["contrast", "brightness"], [1, 5], seed: 3);
        Assert.Equal(4, report.Entries.Count);
        Assert.Equal(("brightness", 5), (report.Entries[3].Corruption, report.Entries[3].Severity));
        // Brightness 5 by hand (c = 0.3, no random draw): every pixel's channels scale by min(V + c, 1) / V, V their
        // maximum; then p(class 1) = the image's mean and the NLL is -mean log p(label).
        long[] shape = images.shape;
        int n = (int)shape[0], channels = (int)shape[1], pixels = (int)(shape[2] * shape[3]);
        float[] x = images.contiguous().data<float>().ToArray();
        double nll = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int q = 0; q < pixels; q++)
            {
                double v = Enumerable.Range(0, channels).Max(c => x[(i * channels + c) * pixels + q]);
                for (int c = 0; c < channels; c++)
                    sum += v > 0 ? x[(i * channels + c) * pixels + q] * Math.Min(v + 0.3, 1) / v : 0.3;
            }
            double p1 = sum / (channels * pixels);
            nll -= Math.Log(labels[i] == 1 ? p1 : 1 - p1);
        }
        Assert.Equal(nll / n, report.Entries[3].Quality.Nll, 5);
        var flat = new Dictionary<string, double>();
        report.AddTo(flat);
        Assert.Equal((report.Entries[1].Quality.Ece + report.Entries[3].Quality.Ece) / 2, flat["shift.mean.5.ece"], 12);
        Assert.True(flat.ContainsKey("shift.contrast.1.accuracy"));
        Assert.True(flat.ContainsKey("shift.mean.nll"));
    }

    static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    sealed class Near(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float v) => 0;
    }
}
