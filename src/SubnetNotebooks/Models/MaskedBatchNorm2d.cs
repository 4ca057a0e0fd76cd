using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// BatchNorm over channels whose scale and shift follow the mask of the channels' group: a masked channel gets
/// scale 0 and shift 0, so its output is exactly 0 in training and in evaluation.
/// </summary>
public sealed class MaskedBatchNorm2d : MaskedLayer
{
    Parameter weight;
    Parameter bias;
    Tensor running_mean;
    Tensor running_var;
    Tensor num_batches_tracked;
    const double Momentum = 0.1;
    const double Eps = 1e-5;

    /// <summary>Creates a BatchNorm with scale 1, shift 0, running mean 0 and running variance 1.</summary>
    /// <param name="path">module path within the model</param>
    /// <param name="channels">channels normalised</param>
    /// <param name="group">group of those channels</param>
    public MaskedBatchNorm2d(string path, int channels, string? group)
        : base(nameof(MaskedBatchNorm2d), path, group, group, channels, channels, 1)
    {
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        running_mean = zeros(channels);
        running_var = ones(channels);
        num_batches_tracked = zeros(1, dtype: ScalarType.Int64);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool IsWeightLayer => false;
    /// <inheritdoc/>
    public override Parameter Weight => weight;
    /// <inheritdoc/>
    public override Parameter? Bias => bias;

    /// <summary>Normalises each channel with batch statistics (training) or running statistics (evaluation).</summary>
    /// <param name="input">[batch, channels, H, W]</param>
    /// <returns>[batch, channels, H, W]</returns>
    public override Tensor forward(Tensor input)
    {
        if (training)
            using (no_grad()) num_batches_tracked.add_(1);
        return nn.functional.batch_norm(input, running_mean, running_var, EffectiveWeight(), EffectiveBias(), training, Momentum, Eps);
    }

    /// <inheritdoc/>
    internal override void CopyKeptInto(MaskedLayer target, Tensor? outIndex, Tensor? inIndex)
    {
        base.CopyKeptInto(target, outIndex, inIndex);
        var thin = (MaskedBatchNorm2d)target;
        using var _ = no_grad();
        thin.running_mean.copy_(outIndex is null ? running_mean : running_mean.index_select(0, outIndex));
        thin.running_var.copy_(outIndex is null ? running_var : running_var.index_select(0, outIndex));
        thin.num_batches_tracked.copy_(num_batches_tracked);
    }
}
