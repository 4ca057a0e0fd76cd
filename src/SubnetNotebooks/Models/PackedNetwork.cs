using SubnetNotebooks.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// Packed-Ensembles (Laurent et al. 2023): M members of width α·w/M packed into one network with grouped
/// convolutions. Every layer after the first is split into M·γ groups (γ subgroups per member), the first reads the
/// shared input with one weight set per output channel, and the head is split into M groups giving [B, M·K] logits;
/// so no member reads another's channels and all members train in one pass. Linear layers are 1x1 convolutions on
/// [B, features, 1, 1]. Families: mlp, smallcnn, resnet18 (the spec's widths and layout; dropout is not used).
/// Training loss: sum over members of their mean cross-entropy, so every member gets the gradient it would get alone.
/// </summary>
public sealed class PackedNetwork : EnsembleNetwork, ITrainingObjective
{
    readonly Sequential body;
    readonly bool _flatten;
    readonly int _channels, _height, _width;
    long? _flops;

    /// <summary>Builds the packed version of <paramref name="spec"/> (draws from torch's global generator).</summary>
    /// <param name="spec">architecture family and widths</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">classes per member</param>
    /// <param name="members">M</param>
    /// <param name="alpha">width factor α: each member has width ceil(α·w / (M·γ))·γ for a layer of width w</param>
    /// <param name="gamma">subgroups γ per member in every layer after the first</param>
    public PackedNetwork(ModelSpec spec, int channels, int height, int width, int classes, int members, double alpha = 2, int gamma = 1)
        : base(nameof(PackedNetwork), members)
    {
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Packed-Ensembles width factor alpha must be positive, e.g. 2 (--set packedAlpha=2).");
        if (gamma < 1) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Packed-Ensembles subgroups gamma must be at least 1 (--set packedGamma=1).");
        Classes = classes;
        Alpha = alpha;
        Gamma = gamma;
        (_channels, _height, _width) = (channels, height, width);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int groups = members * gamma, inputs;
        switch (spec.Kind.ToLowerInvariant())
        {
            case "mlp":
                _flatten = true;
                inputs = channels * height * width;
                for (int i = 0; i < spec.Widths.Length; i++)
                {
                    int w = Packed(spec.Widths[i]);
                    layers.Add(($"fc{i + 1}", nn.Conv2d(inputs, w, 1, groups: i == 0 ? 1 : groups)));
                    layers.Add(($"relu{i + 1}", nn.ReLU()));
                    inputs = w;
                }
                layers.Add(("head", nn.Conv2d(inputs, members * classes, 1, groups: spec.Widths.Length == 0 ? 1 : members)));
                break;
            case "smallcnn":
                inputs = channels;
                var (h, wd) = (height, width);
                for (int i = 0; i < spec.Widths.Length; i++)
                {
                    int c = Packed(spec.Widths[i]);
                    layers.Add(($"conv{i + 1}", nn.Conv2d(inputs, c, 3, padding: 1, groups: i == 0 ? 1 : groups, bias: false)));
                    layers.Add(($"bn{i + 1}", new PlainBatchNorm2d(c)));
                    layers.Add(($"relu{i + 1}", nn.ReLU()));
                    if (h >= 2 && wd >= 2) { layers.Add(($"pool{i + 1}", nn.MaxPool2d(2))); (h, wd) = (h / 2, wd / 2); }
                    inputs = c;
                }
                layers.Add(("gap", nn.AdaptiveAvgPool2d(1)));
                layers.Add(("head", nn.Conv2d(inputs, members * classes, 1, groups: members)));
                break;
            case "resnet18":
                var stages = (spec.Widths.Length == 0 ? ResNet18.DefaultWidths : spec.Widths).Select(Packed).ToArray();
                layers.Add(("stem", nn.Conv2d(channels, stages[0], 3, padding: 1, bias: false)));
                layers.Add(("stem_bn", new PlainBatchNorm2d(stages[0])));
                layers.Add(("stem_relu", nn.ReLU()));
                inputs = stages[0];
                for (int s = 0; s < 4; s++)
                    for (int b = 0; b < 2; b++)
                    {
                        layers.Add(($"stage{s + 1}_{b}", new PackedBasicBlock(inputs, stages[s], s > 0 && b == 0 ? 2 : 1, groups)));
                        inputs = stages[s];
                    }
                layers.Add(("gap", nn.AdaptiveAvgPool2d(1)));
                layers.Add(("head", nn.Conv2d(inputs, members * classes, 1, groups: members)));
                break;
            default:
                throw new ArgumentException($"Packed-Ensembles are built for mlp, smallcnn and resnet18; got model kind '{spec.Kind}'. Use one of those (--set model=smallcnn).");
        }
        body = nn.Sequential(layers.ToArray());
        RegisterComponents();

        int Packed(int w) => members * (int)Math.Ceiling(alpha * w / (members * gamma)) * gamma;
    }

    /// <summary>Classes per member.</summary>
    public int Classes { get; }
    /// <summary>Width factor α.</summary>
    public double Alpha { get; }
    /// <summary>Subgroups γ per member.</summary>
    public int Gamma { get; }

    /// <summary>All members on the same images in one pass.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[M, B, classes]</returns>
    public override Tensor MemberLogits(Tensor images)
    {
        var x = _flatten ? images.flatten(1).unsqueeze(2).unsqueeze(3) : images;
        return body.call(x).reshape(images.shape[0], Members, Classes).permute(1, 0, 2);
    }

    /// <summary>Sum over members of each member's mean cross-entropy on the whole batch.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <param name="labels">[B] class indices</param>
    /// <param name="labelSmoothing">label smoothing</param>
    /// <returns>the loss and the detached ensemble logits [B, classes]</returns>
    public (Tensor Loss, Tensor Logits) TrainingLoss(Tensor images, Tensor labels, double labelSmoothing)
    {
        var logits = MemberLogits(images);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, Classes), labels.repeat(Members), label_smoothing: labelSmoothing).mul(OwnedScalars.Of(Members));
        return (loss, EnsembleLogits(logits.detach()));
    }

    /// <summary>Every stored parameter (grouped weights, biases, BatchNorm scales and shifts).</summary>
    public override long Parameters => parameters().Sum(p => p.numel());

    /// <summary>Counted once with <see cref="Metrics.Flops.Count"/> (grouped weights count only their own inputs).</summary>
    public override long FlopsPerExample => _flops ??= (long)Metrics.Flops.Count(this, [_channels, _height, _width]);
}
