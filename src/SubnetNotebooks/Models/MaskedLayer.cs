using SubnetNotebooks.Masking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// A layer whose parameters can be masked: a linear layer, a convolution or a BatchNorm. Its output units belong to
/// <see cref="OutputGroup"/> (null: the class outputs, never masked) and it reads the units of <see cref="InputGroup"/>
/// (null: the model's input, shared by every subnetwork). Under a mask the forward pass uses parameter * mask, and
/// <see cref="SetMask"/> also zeroes the masked entries in place, so masked parameters get zero gradients and stay exactly
/// zero under SGD with momentum and weight decay.
/// </summary>
public abstract class MaskedLayer : nn.Module<Tensor, Tensor>
{
    sealed class MaskTensors(Tensor weight, Tensor? bias)
    {
        public Tensor Weight = weight;
        public Tensor? Bias = bias;
    }

    MaskTensors? _mask;

    /// <summary>Creates the layer's bookkeeping; subclasses create and register the parameters.</summary>
    protected MaskedLayer(string moduleName, string path, string? outputGroup, string? inputGroup, int outputUnits, int inputUnits, long positions)
        : base(moduleName)
    {
        Path = path;
        OutputGroup = outputGroup;
        InputGroup = inputGroup;
        OutputUnits = outputUnits;
        InputUnits = inputUnits;
        Positions = positions;
    }

    /// <summary>Dotted module path within the model, e.g. "stage2_0.conv1"; parameter names are Path + ".weight" / ".bias".</summary>
    public string Path { get; }

    /// <summary>Group that masks this layer's output units; null for the class outputs of the head.</summary>
    public string? OutputGroup { get; }

    /// <summary>Group whose units this layer reads; null for the model input (or for a BatchNorm, which reads its own channels).</summary>
    public string? InputGroup { get; }

    /// <summary>Number of output units (features or channels).</summary>
    public int OutputUnits { get; }

    /// <summary>Number of input units (features or channels); equal to <see cref="OutputUnits"/> for a BatchNorm.</summary>
    public int InputUnits { get; }

    /// <summary>Output positions per example (H_out * W_out for a convolution, 1 for a linear layer), for FLOP counts.</summary>
    public long Positions { get; }

    /// <summary>True for linear and convolution layers (prunable weights with input units); false for BatchNorm.</summary>
    public abstract bool IsWeightLayer { get; }

    /// <summary>The weight: [out, in] (linear), [out, in, kh, kw] (convolution) or [channels] (BatchNorm scale).</summary>
    public abstract Parameter Weight { get; }

    /// <summary>The bias: [out], or null when the layer has none.</summary>
    public abstract Parameter? Bias { get; }

    /// <summary>
    /// True when the weight's initial scale follows the layer's fan-out (Kaiming-normal, fan-out mode: ResNet and WRN
    /// convolutions); false when it follows the fan-in (PyTorch's default, bound 1 / sqrt(fan_in), bias alike).
    /// </summary>
    public virtual bool InitialisedByFanOut => false;

    /// <summary>Elements of the weight per (output unit, input unit) pair: kh * kw for a convolution, 1 otherwise.</summary>
    public long KernelArea => IsWeightLayer ? Weight.numel() / ((long)OutputUnits * InputUnits) : 1;

    /// <summary>The weight as used in forward: weight * mask when masked.</summary>
    protected Tensor EffectiveWeight() => _mask is null ? Weight : Weight * MaskOnDevice(ref _mask.Weight, Weight);

    /// <summary>The bias as used in forward: bias * mask when masked.</summary>
    protected Tensor? EffectiveBias()
    {
        var b = Bias;
        if (b is null || _mask?.Bias is null) return b;
        return b * MaskOnDevice(ref _mask.Bias, b);
    }

    static Tensor MaskOnDevice(ref Tensor mask, Tensor like)
    {
        if (mask.device_type == like.device_type && mask.device_index == like.device_index) return mask;
        var moved = mask.to(like.device).DetachFromDisposeScope();
        mask.Dispose();
        mask = moved;
        return mask;
    }

    /// <summary>
    /// Applies (or with null removes) a mask: builds this layer's weight and bias masks from the unit masks of its
    /// groups (and the weight-level mask of its path, if any) and zeroes the masked parameters in place.
    /// </summary>
    internal void SetMask(MaskSet? mask)
    {
        DisposeMask();
        if (mask is null) return;
        var device = Weight.device;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var outMask = mask.UnitTensor(OutputGroup, OutputUnits, device);
        Tensor weightMask;
        if (IsWeightLayer)
        {
            var inMask = mask.UnitTensor(InputGroup, InputUnits, device);
            var trailing = Enumerable.Repeat(1L, (int)Weight.dim() - 2).ToArray();
            weightMask = (outMask.reshape([OutputUnits, 1, .. trailing]) * inMask.reshape([1, InputUnits, .. trailing]))
                .expand(Weight.shape).contiguous();
            var flat = mask.WeightMask(Path);
            if (flat is not null)
                weightMask = weightMask * tensor(flat, device: device).to(ScalarType.Float32).reshape(Weight.shape);
        }
        else
        {
            weightMask = outMask;
        }
        Weight.mul_(weightMask);
        Bias?.mul_(outMask);
        _mask = new MaskTensors(weightMask.DetachFromDisposeScope(), Bias is null ? null : outMask.clone().DetachFromDisposeScope());
    }

    /// <summary>Weights kept by a mask (all weights when null), counted without touching the tensors.</summary>
    internal long ActiveWeights(MaskSet? mask)
    {
        if (mask is null) return Weight.numel();
        var outKeep = OutputGroup is null ? null : mask.UnitMask(OutputGroup);
        if (!IsWeightLayer) return outKeep?.LongCount(k => k) ?? OutputUnits;
        var inKeep = InputGroup is null ? null : mask.UnitMask(InputGroup);
        var flat = mask.WeightMask(Path);
        long outKept = outKeep?.LongCount(k => k) ?? OutputUnits;
        long inKept = inKeep?.LongCount(k => k) ?? InputUnits;
        if (flat is null) return outKept * inKept * KernelArea;
        long count = 0, area = KernelArea;
        for (long f = 0; f < flat.LongLength; f++)
        {
            if (!flat[f]) continue;
            var o = f / (InputUnits * area);
            var i = f / area % InputUnits;
            if ((outKeep is null || outKeep[o]) && (inKeep is null || inKeep[i])) count++;
        }
        return count;
    }

    /// <summary>Parameters kept by a mask: active weights plus the biases of kept output units.</summary>
    internal long ActiveParameters(MaskSet? mask)
    {
        var bias = Bias is null ? 0
            : mask is null || OutputGroup is null ? OutputUnits
            : mask.KeptUnits(OutputGroup);
        return ActiveWeights(mask) + bias;
    }

    /// <summary>Multiply-adds * 2 per example of this layer under a mask (0 for BatchNorm).</summary>
    internal long Flops(MaskSet? mask) => IsWeightLayer ? 2 * ActiveWeights(mask) * Positions : 0;

    /// <summary>Copies the kept rows (output units) and columns (input units) of this layer's state into a thin layer.</summary>
    /// <param name="target">the same layer in the compacted model</param>
    /// <param name="outIndex">[kept outputs] int64 indices, or null to keep all</param>
    /// <param name="inIndex">[kept inputs] int64 indices, or null to keep all</param>
    internal virtual void CopyKeptInto(MaskedLayer target, Tensor? outIndex, Tensor? inIndex)
    {
        using var _ = no_grad();
        var w = EffectiveWeight();
        if (outIndex is not null) w = w.index_select(0, outIndex);
        if (IsWeightLayer && inIndex is not null) w = w.index_select(1, inIndex);
        target.Weight.copy_(w);
        var b = EffectiveBias();
        if (b is not null && target.Bias is not null)
            target.Bias.copy_(outIndex is null ? b : b.index_select(0, outIndex));
    }

    void DisposeMask()
    {
        _mask?.Weight.Dispose();
        _mask?.Bias?.Dispose();
        _mask = null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeMask();
        base.Dispose(disposing);
    }
}
