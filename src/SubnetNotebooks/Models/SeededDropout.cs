using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// Inverted dropout whose masks come from <see cref="TrainingRandom"/> (not from the device's generator), so a resumed
/// run draws the masks the uninterrupted run drew, on the CPU and on CUDA alike.
/// Input and output: any shape; in training mode each entry is zeroed with probability p and the rest scaled by 1 / (1 - p).
/// </summary>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    /// <summary>A dropout layer of rate <paramref name="p"/> in [0, 1).</summary>
    public SeededDropout(double p) : base(nameof(SeededDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentException($"Dropout rate {p} is not in [0, 1). Use e.g. 0.1 to 0.5, or 0 for none.");
        P = p;
    }

    /// <summary>The dropout rate.</summary>
    public double P { get; }

    /// <summary>In training mode, the input with each entry zeroed with probability <see cref="P"/> and the rest scaled by 1 / (1 - P); in evaluation mode (or at P = 0), an alias of the input.</summary>
    public override Tensor forward(Tensor input)
    {
        if (!training || P == 0) return input.alias();
        using var mask = TrainingRandom.DropoutMask(input.shape, P, input.device);
        return input * mask;
    }
}
