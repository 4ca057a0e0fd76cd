using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Metrics;

/// <summary>
/// Image corruptions in the style of CIFAR-10-C (Hendrycks and Dietterich, 2019) for measuring
/// predictions under dataset shift, as tensor transforms on float images [batch, channels, height,
/// width] with values in [0, 1] (apply them before normalisation). Five severities each, with the
/// CIFAR-10-C parameters (severity 1 → 5):
/// <list type="bullet">
/// <item>gaussian_noise: x + N(0, σ²), σ = 0.04, 0.06, 0.08, 0.09, 0.10</item>
/// <item>shot_noise: Poisson(λ·x)/λ, λ = 500, 250, 100, 75, 50</item>
/// <item>gaussian_blur: separable Gaussian kernel of radius ⌈3σ⌉ (reflect padding), σ = 0.4, 0.6, 0.7, 0.8, 1.0 pixels</item>
/// <item>contrast: (x − m)·c + m with m the per-image, per-channel mean, c = 0.75, 0.5, 0.4, 0.3, 0.15</item>
/// <item>brightness: HSV value V raised by c (hue and saturation kept, so every channel scales by min(V + c, 1)/V), c = 0.05, 0.1, 0.15, 0.2, 0.3</item>
/// <item>pixelate: box-downsample to ⌊c·size⌋ then nearest-upsample back, c = 0.95, 0.9, 0.85, 0.75, 0.65</item>
/// </list>
/// Results are clipped to [0, 1]. Noise is drawn from a generator seeded with the given seed, so a
/// corruption is the same on every run.
/// </summary>
public static class Corruptions
{
    static readonly Dictionary<string, double[]> Parameters = new()
    {
        ["gaussian_noise"] = [0.04, 0.06, 0.08, 0.09, 0.10],
        ["shot_noise"] = [500, 250, 100, 75, 50],
        ["gaussian_blur"] = [0.4, 0.6, 0.7, 0.8, 1.0],
        ["contrast"] = [0.75, 0.5, 0.4, 0.3, 0.15],
        ["brightness"] = [0.05, 0.1, 0.15, 0.2, 0.3],
        ["pixelate"] = [0.95, 0.9, 0.85, 0.75, 0.65],
    };

    /// <summary>Corruption names, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["gaussian_noise", "shot_noise", "gaussian_blur", "contrast", "brightness", "pixelate"];

    /// <summary>Number of severities per corruption (1 to 5).</summary>
    public const int Severities = 5;

    /// <summary>The parameter of <paramref name="name"/> at <paramref name="severity"/> (see the class summary for its meaning).</summary>
    public static double Parameter(string name, int severity)
    {
        if (!Parameters.TryGetValue(name, out var values))
            throw new ArgumentException($"Unknown corruption '{name}'; expected one of {string.Join(", ", Names)}.");
        if (severity < 1 || severity > Severities)
            throw new ArgumentOutOfRangeException(nameof(severity), $"Severity {severity} for {name}; expected 1 to {Severities}.");
        return values[severity - 1];
    }

    /// <summary>Applies corruption <paramref name="name"/> at <paramref name="severity"/>.</summary>
    /// <param name="name">one of <see cref="Names"/></param>
    /// <param name="severity">1 (mild) to 5 (severe)</param>
    /// <param name="images">[batch, channels, height, width] float images in [0, 1]</param>
    /// <param name="seed">seed of the noise generator</param>
    /// <returns>[batch, channels, height, width] corrupted images in [0, 1], same dtype and device</returns>
    public static Tensor Apply(string name, int severity, Tensor images, long seed)
    {
        double c = Parameter(name, severity);
        if (images.dim() != 4 || !images.is_floating_point())
            throw new ArgumentException($"Corruptions.Apply({name}): images have dtype {images.dtype} and shape [{string.Join(", ", images.shape)}]; expected float [batch, channels, height, width].");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        double min = images.min().item<float>(), max = images.max().item<float>();
        if (min < -1e-6 || max > 1 + 1e-6)
            throw new ArgumentException($"Corruptions.Apply({name}): pixel values span [{min:G4}, {max:G4}]; expected [0, 1]. Corrupt images before normalising them.");
        using var generator = new Generator(unchecked((ulong)seed), images.device);
        Tensor result = name switch
        {
            "gaussian_noise" => images.add(randn(images.shape, images.dtype, images.device, generator: generator).mul(OwnedScalars.Of(c)), OwnedScalars.One),
            "shot_noise" => poisson(images.mul(OwnedScalars.Of(c)), generator).div(OwnedScalars.Of(c)),
            "gaussian_blur" => GaussianBlur(images, c),
            "contrast" => Contrast(images, c),
            "brightness" => Brightness(images, c),
            "pixelate" => Pixelate(images, c),
            _ => throw new ArgumentException($"Unknown corruption '{name}'."),
        };
        return result.clamp(OwnedScalars.Of(0), OwnedScalars.Of(1)).MoveToOuterDisposeScope();
    }

    static Tensor GaussianBlur(Tensor images, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(x => Math.Exp(-x * x / (2 * sigma * sigma))).ToArray();
        double sum = weights.Sum();
        var kernel = tensor(weights.Select(w => (float)(w / sum)).ToArray(), dtype: images.dtype, device: images.device);
        long b = images.shape[0], ch = images.shape[1], h = images.shape[2], w = images.shape[3];
        var padMode = h > radius && w > radius ? PaddingModes.Reflect : PaddingModes.Replicate;
        var x = images.reshape(b * ch, 1, h, w);
        x = nn.functional.pad(x, [radius, radius, radius, radius], padMode);
        x = nn.functional.conv2d(x, kernel.reshape(1, 1, 1, -1));
        x = nn.functional.conv2d(x, kernel.reshape(1, 1, -1, 1));
        return x.reshape(b, ch, h, w);
    }

    static Tensor Contrast(Tensor images, double c)
    {
        var mean = images.mean([2, 3], keepdim: true);
        return (images - mean).mul(OwnedScalars.Of(c)).add(mean, OwnedScalars.One);
    }

    static Tensor Brightness(Tensor images, double c)
    {
        var value = images.amax([1], keepdim: true);
        var raised = value.add(OwnedScalars.Of(c), OwnedScalars.One).clamp(OwnedScalars.Of(0), OwnedScalars.Of(1));
        var scaled = images * (raised / value.clamp_min(OwnedScalars.Of(1e-12)));
        return where(value.gt(OwnedScalars.Of(0)), scaled, raised.expand_as(images));
    }

    static Tensor Pixelate(Tensor images, double c)
    {
        long h = images.shape[2], w = images.shape[3];
        long sh = Math.Max(1, (long)Math.Floor(h * c)), sw = Math.Max(1, (long)Math.Floor(w * c));
        var small = nn.functional.adaptive_avg_pool2d(images, [sh, sw]);
        return nn.functional.interpolate(small, [h, w], mode: InterpolationMode.Nearest);
    }
}
