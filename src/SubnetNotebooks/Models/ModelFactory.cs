namespace SubnetNotebooks.Models;

/// <summary>Builds a <see cref="PrunableModel"/> from a <see cref="ModelSpec"/>.</summary>
public static class ModelFactory
{
    /// <summary>The model kinds <see cref="Create"/> knows.</summary>
    public static readonly string[] Kinds = ["mlp", "smallcnn", "resnet18", "wrn"];

    /// <summary>Creates a freshly initialised model (draws from torch's global generator: call torch.manual_seed first).</summary>
    /// <param name="spec">architecture</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">number of classes</param>
    public static PrunableModel Create(ModelSpec spec, int channels, int height, int width, int classes) =>
        spec.Kind.ToLowerInvariant() switch
        {
            "mlp" => new Mlp(spec, channels, height, width, classes),
            "smallcnn" => new SmallCnn(spec, channels, height, width, classes),
            "resnet18" => new ResNet18(spec, channels, height, width, classes),
            "wrn" => new WideResNet(spec, channels, height, width, classes),
            _ => throw new ArgumentException(
                $"Unknown model kind '{spec.Kind}'; expected one of {string.Join(", ", Kinds)}. Set model.kind to one of them."),
        };
}
