using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models.Custom;

/// <summary>
/// torchvision's ResNet-18, -34 and -50 (the TorchVision package's torchvision.models.resnetNN: ImageNet stem, a 7x7
/// stride-2 convolution and a 3x3 stride-2 max-pool) made prunable by <see cref="SplitNetwork"/>, with their coupling
/// declared here: each stage's residual stream (its projection or the stem, and every block's last convolution) is one
/// group. Parameter names are torchvision's (conv1, bn1, layer1.0.conv1, ..., layer2.0.downsample.0, fc), so an
/// ImageNet state dict saved by PyTorch loads as it is. Each block runs through <see cref="ResidualBlock"/>, which adds the
/// shortcut with a Scalar the kit owns (TorchVision's blocks call add_ with a temporary one); with dropout, dropout
/// follows every block, as in the kit's ResNet-18.
/// </summary>
public static class TorchvisionResNet
{
    /// <summary>The model kinds this builds: "tv-resnet18", "tv-resnet34", "tv-resnet50".</summary>
    public static readonly string[] Kinds = ["tv-resnet18", "tv-resnet34", "tv-resnet50"];

    /// <summary>Blocks per stage and whether they are bottlenecks (three convolutions, expansion 4).</summary>
    static (int[] Blocks, bool Bottleneck) Shape(string kind) => kind switch
    {
        "tv-resnet18" => ([2, 2, 2, 2], false),
        "tv-resnet34" => ([3, 4, 6, 3], false),
        "tv-resnet50" => ([3, 4, 6, 3], true),
        _ => throw new ArgumentException($"Unknown torchvision ResNet '{kind}'; expected one of {string.Join(", ", Kinds)}."),
    };

    /// <summary>Builds torchvision's ResNet of <paramref name="kind"/>, freshly initialised (torchvision's init), as a prunable network.</summary>
    /// <param name="kind">one of <see cref="Kinds"/></param>
    /// <param name="channels">input channels (3: torchvision's stem reads RGB)</param>
    /// <param name="height">input height (224 for ImageNet weights)</param>
    /// <param name="width">input width</param>
    /// <param name="classes">classes of the fc layer</param>
    /// <param name="dropout">dropout rate after every block (0: none, as torchvision)</param>
    public static SplitNetwork Create(string kind, int channels, int height, int width, int classes, double dropout = 0)
    {
        var (blocks, bottleneck) = Shape(kind);
        if (channels != 3)
            throw new ArgumentException($"{kind} has torchvision's stem, which reads 3-channel (RGB) images; the dataset has {channels}. Use an RGB dataset or the kit's resnet18.");
        if (height < 32 || width < 32)
            throw new ArgumentException($"{kind} downsamples 32x (ImageNet stem and four stages); {height}x{width} images are too small. Use 224-pixel crops, or the kit's resnet18 (CIFAR stem) for small images.");
        return SplitNetwork.From(() => Build(kind, classes, dropout), Coupling(blocks, bottleneck), channels, height, width, classes, kind);
    }

    /// <summary>The residual streams of a torchvision ResNet: stage s's projection (or, in stage 1 of ResNet-18/34, the stem) and each block's last convolution.</summary>
    /// <param name="blocks">blocks per stage</param>
    /// <param name="bottleneck">true for ResNet-50 (conv3 ends a block; stage 1 has a projection)</param>
    public static NetworkCoupling Coupling(int[] blocks, bool bottleneck)
    {
        var coupling = new NetworkCoupling { KaimingFanOut = true };
        var last = bottleneck ? "conv3" : "conv2";
        for (var s = 1; s <= blocks.Length; s++)
        {
            var start = s == 1 && !bottleneck ? "conv1" : $"layer{s}.0.downsample.0";
            coupling.Stream($"stage{s}", [start, .. Enumerable.Range(0, blocks[s - 1]).Select(b => $"layer{s}.{b}.{last}")]);
        }
        return coupling;
    }

    static nn.Module<Tensor, Tensor> Build(string kind, int classes, double dropout)
    {
        var network = kind switch
        {
            "tv-resnet18" => torchvision.models.resnet18(num_classes: classes),
            "tv-resnet34" => torchvision.models.resnet34(num_classes: classes),
            _ => torchvision.models.resnet50(num_classes: classes),
        };
        foreach (var (name, stage) in network.named_children().Where(c => c.name.StartsWith("layer", StringComparison.Ordinal)).ToList())
        {
            var sequential = (TorchSharp.Modules.Sequential)stage;
            foreach (var (index, block) in sequential.named_children().ToList())
                ModuleSurgery.Replace(sequential, index, block, new ResidualBlock(block, dropout), $"{name}.{index}");
        }
        return network;
    }
}

/// <summary>
/// A torchvision BasicBlock or Bottleneck with the same children (conv1, bn1, conv2, bn2, [conv3, bn3], [downsample]):
/// relu(bnK(convK(...relu(bn1(conv1(x))))) + shortcut(x)), the shortcut downsample(x) or x; then dropout when given.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1;
    readonly nn.Module<Tensor, Tensor> bn1;
    readonly nn.Module<Tensor, Tensor> conv2;
    readonly nn.Module<Tensor, Tensor> bn2;
    readonly nn.Module<Tensor, Tensor>? conv3;
    readonly nn.Module<Tensor, Tensor>? bn3;
    readonly nn.Module<Tensor, Tensor>? downsample;
    readonly nn.Module<Tensor, Tensor>? drop;

    /// <summary>Takes the children of <paramref name="block"/> (a torchvision BasicBlock or Bottleneck) under their names.</summary>
    /// <param name="block">the torchvision block</param>
    /// <param name="dropout">dropout rate after the block (0: none)</param>
    public ResidualBlock(nn.Module block, double dropout) : base(nameof(ResidualBlock))
    {
        var children = block.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        nn.Module<Tensor, Tensor> Child(string name) => children.TryGetValue(name, out var m) ? m
            : throw new ArgumentException($"{block.GetType().Name} has no child '{name}'; expected torchvision's BasicBlock or Bottleneck.");
        (conv1, bn1, conv2, bn2) = (Child("conv1"), Child("bn1"), Child("conv2"), Child("bn2"));
        conv3 = children.GetValueOrDefault("conv3");
        bn3 = children.GetValueOrDefault("bn3");
        downsample = children.GetValueOrDefault("downsample");
        if (dropout > 0) drop = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="input">[batch, in, H, W]</param>
    /// <returns>[batch, out, H_out, W_out]</returns>
    public override Tensor forward(Tensor input)
    {
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        if (conv3 is not null) y = bn3!.call(conv3.call(nn.functional.relu(y)));
        var shortcut = downsample is null ? input : downsample.call(input);
        y = nn.functional.relu(y.add(shortcut, OwnedScalars.One));
        return drop is null ? y : drop.call(y);
    }
}
