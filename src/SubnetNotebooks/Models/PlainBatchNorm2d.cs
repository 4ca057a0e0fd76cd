using SubnetNotebooks.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// torch.nn.BatchNorm2d with an affine scale and shift and running statistics (momentum 0.1), with the same parameter
/// and buffer names, shapes and arithmetic as TorchSharp's, so its checkpoints and state dicts are interchangeable.
/// It exists because TorchSharp 0.107's BatchNorm advances its batch counter with <c>num_batches_tracked.add_(1)</c>, a
/// temporary Scalar that a garbage collection can free during the call; this one uses a Scalar the kit owns.
/// </summary>
public sealed class PlainBatchNorm2d : nn.Module<Tensor, Tensor>
{
    readonly double _eps, _momentum;
    Parameter weight;
    Parameter bias;
    Tensor running_mean;
    Tensor running_var;
    Tensor num_batches_tracked;

    /// <summary>Scale 1, shift 0, running mean 0, running variance 1, no batches counted.</summary>
    /// <param name="features">channels normalised</param>
    /// <param name="eps">added to the variance</param>
    /// <param name="momentum">weight of the newest batch in the running statistics</param>
    public PlainBatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1) : base(nameof(PlainBatchNorm2d))
    {
        _eps = eps;
        _momentum = momentum;
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = tensor(0L);
        RegisterComponents();
    }

    /// <summary>Channels normalised.</summary>
    public long Features => weight.shape[0];

    /// <summary>Normalises each channel with batch statistics (training, updating the running ones) or running statistics (evaluation).</summary>
    /// <param name="input">[batch, channels, H, W]</param>
    /// <returns>[batch, channels, H, W]</returns>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4) throw new ArgumentException($"BatchNorm2d expects [batch, channels, H, W]; got [{string.Join(", ", input.shape)}].");
        if (training)
            using (no_grad()) num_batches_tracked.add_(OwnedScalars.One, OwnedScalars.One);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, _momentum, _eps);
    }
}
