using SubnetNotebooks.Native;
using System.Collections.Concurrent;
using SubnetNotebooks.Models.Custom;

namespace SubnetNotebooks.Models;

/// <summary>Builds a <see cref="PrunableModel"/> from a <see cref="ModelSpec"/>.</summary>
public static class ModelFactory
{
    /// <summary>The kit's own model kinds.</summary>
    public static readonly string[] Kinds = ["mlp", "smallcnn", "resnet18", "wrn"];

    /// <summary>A builder of a model kind: (spec, channels, height, width, classes) to a fresh model.</summary>
    public delegate PrunableModel Builder(ModelSpec spec, int channels, int height, int width, int classes);

    static readonly ConcurrentDictionary<string, Builder> Registered = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every kind <see cref="Create"/> knows: the kit's, torchvision's ResNets and the registered ones.</summary>
    public static IReadOnlyList<string> AllKinds => [.. Kinds, .. TorchvisionResNet.Kinds, .. Registered.Keys.Order()];

    /// <summary>
    /// Makes a network of the user's known to every method and profile under <paramref name="kind"/> (e.g. --set
    /// model=residual-cnn), typically a <see cref="SplitNetwork"/>; registering a kind again replaces its builder.
    /// </summary>
    /// <param name="kind">the name, not one of the kit's or torchvision's kinds</param>
    /// <param name="builder">builds a fresh model; it must honour spec.Dropout (MC dropout builds with a rate, the deep ensemble without)</param>
    public static void Register(string kind, Builder builder)
    {
        if (Kinds.Concat(TorchvisionResNet.Kinds).Contains(kind, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"Model kind '{kind}' is built into the kit; register your network under another name.", nameof(kind));
        Registered[kind] = builder;
    }

    /// <summary>Creates a freshly initialised model (draws from torch's global generator: call torch.manual_seed first).</summary>
    /// <param name="spec">architecture</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">number of classes</param>
    public static PrunableModel Create(ModelSpec spec, int channels, int height, int width, int classes)
    {
        using var held = HeldTensors.Hold(); // a network's initialisation makes temporaries (Native/HeldTensors)
        return spec.Kind.ToLowerInvariant() switch
        {
            "mlp" => new Mlp(spec, channels, height, width, classes),
            "smallcnn" => new SmallCnn(spec, channels, height, width, classes),
            "resnet18" => new ResNet18(spec, channels, height, width, classes),
            "wrn" => new WideResNet(spec, channels, height, width, classes),
            var tv when TorchvisionResNet.Kinds.Contains(tv) => TorchvisionResNet.Create(tv, channels, height, width, classes, spec.Dropout),
            var other when Registered.TryGetValue(other, out var builder) => builder(spec, channels, height, width, classes),
            _ => throw new ArgumentException(
                $"Unknown model kind '{spec.Kind}'; expected one of {string.Join(", ", AllKinds)}. Set model to one of them, or register your network with ModelFactory.Register."),
        };
    }
}
