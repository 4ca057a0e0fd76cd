using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

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
    Func<Tensor?>? _memberOfExample;
    int _members;

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
            using (no_grad()) num_batches_tracked.add_(OwnedScalars.One, OwnedScalars.One);
        if (_memberOfExample?.Invoke() is { } member) return PerMember(input, member);
        return nn.functional.batch_norm(input, running_mean, running_var, EffectiveWeight(), EffectiveBias(), training, Momentum, Eps);
    }

    /// <summary>
    /// Gives each of M members its own scale, shift and running statistics (copies of this layer's): while
    /// <paramref name="memberOfExample"/> returns a tensor, each example is normalised by its member's BatchNorm with
    /// statistics over that member's examples only, so no member's output depends on another member's examples.
    /// </summary>
    /// <param name="members">M</param>
    /// <param name="memberOfExample">[B] int64 member of each example of the running batch, or null to use the shared BatchNorm</param>
    public void SeparateMembers(int members, Func<Tensor?> memberOfExample)
    {
        if (_memberOfExample is not null) throw new InvalidOperationException($"BatchNorm {Path} already has per-member statistics.");
        using var _ = no_grad();
        for (int k = 0; k < members; k++)
        {
            register_parameter($"member{k}_weight", nn.Parameter(weight.detach().clone()));
            register_parameter($"member{k}_bias", nn.Parameter(bias.detach().clone()));
            register_buffer($"member{k}_running_mean", running_mean.clone());
            register_buffer($"member{k}_running_var", running_var.clone());
        }
        _members = members;
        _memberOfExample = memberOfExample;
    }

    /// <summary>Each member's examples through that member's BatchNorm; tensors looked up by name, since moving the module replaces them.</summary>
    /// <param name="input">[B, channels, H, W]</param>
    /// <param name="member">[B] int64</param>
    Tensor PerMember(Tensor input, Tensor member)
    {
        var output = zeros_like(input);
        for (int k = 0; k < _members; k++)
        {
            var rows = member.eq(OwnedScalars.Of(k)).nonzero().squeeze(1);
            if (rows.numel() == 0) continue;
            var normalised = nn.functional.batch_norm(input.index_select(0, rows), get_buffer($"member{k}_running_mean"), get_buffer($"member{k}_running_var"),
                get_parameter($"member{k}_weight"), get_parameter($"member{k}_bias"), training, Momentum, Eps);
            output = output.index_copy(0, rows, normalised);
        }
        return output;
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
