using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>A square-kernel 2-D convolution with a masked weight [out, in, k, k], without bias (a BatchNorm follows it) or with one.</summary>
public sealed class MaskedConv2d : MaskedLayer
{
    Parameter weight;
    Parameter? bias;
    readonly long _stride;
    readonly long _padding;

    /// <summary>Creates a convolution; the weight gets Kaiming-normal (fan-out, ReLU) or PyTorch's default init.</summary>
    /// <param name="path">module path within the model</param>
    /// <param name="inputs">input channels</param>
    /// <param name="outputs">output channels</param>
    /// <param name="kernel">kernel size k</param>
    /// <param name="stride">stride</param>
    /// <param name="padding">zero padding on each side</param>
    /// <param name="inputSize">(height, width) of the input, to count FLOPs</param>
    /// <param name="outputGroup">group masking the output channels</param>
    /// <param name="inputGroup">group of the input channels; null for the image</param>
    /// <param name="kaimingFanOut">true: Kaiming-normal fan-out init (ResNet, WRN); false: PyTorch's default</param>
    /// <param name="withBias">true: a bias [out] with PyTorch's default init (a network brought by the user may have one)</param>
    public MaskedConv2d(string path, int inputs, int outputs, int kernel, int stride, int padding, (int H, int W) inputSize,
        string? outputGroup, string? inputGroup, bool kaimingFanOut, bool withBias = false)
        : base(nameof(MaskedConv2d), path, outputGroup, inputGroup, outputs, inputs,
            (long)OutputSize(inputSize.H, kernel, stride, padding) * OutputSize(inputSize.W, kernel, stride, padding))
    {
        _stride = stride;
        _padding = padding;
        InitialisedByFanOut = kaimingFanOut;
        OutputHeight = OutputSize(inputSize.H, kernel, stride, padding);
        OutputWidth = OutputSize(inputSize.W, kernel, stride, padding);
        weight = nn.Parameter(empty(outputs, inputs, kernel, kernel));
        using (no_grad())
        {
            if (kaimingFanOut) nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            if (withBias)
            {
                var bound = 1.0 / Math.Sqrt(Math.Max(1, inputs * kernel * kernel));
                bias = nn.Parameter(empty(outputs));
                nn.init.uniform_(bias, -bound, bound);
            }
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool InitialisedByFanOut { get; }

    /// <summary>Output height for the input size given at construction.</summary>
    public int OutputHeight { get; }
    /// <summary>Output width for the input size given at construction.</summary>
    public int OutputWidth { get; }

    /// <summary>Kernel size k.</summary>
    internal int Kernel => (int)weight.shape[2];
    /// <summary>Stride.</summary>
    internal int Stride => (int)_stride;
    /// <summary>Zero padding on each side.</summary>
    internal int Padding => (int)_padding;

    /// <summary>floor((size + 2 padding - kernel) / stride) + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    /// <inheritdoc/>
    public override bool IsWeightLayer => true;
    /// <inheritdoc/>
    public override Parameter Weight => weight;
    /// <inheritdoc/>
    public override Parameter? Bias => bias;

    /// <summary>Applies the masked convolution.</summary>
    /// <param name="input">[batch, in, H, W]</param>
    /// <returns>[batch, out, H_out, W_out]</returns>
    public override Tensor forward(Tensor input) =>
        nn.functional.conv2d(input, EffectiveWeight(), EffectiveBias(), strides: [_stride, _stride], padding: [_padding, _padding]);
}
