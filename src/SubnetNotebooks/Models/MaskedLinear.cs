using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>A fully connected layer y = x (W*M)^T + b*m with PyTorch's default initialisation.</summary>
public sealed class MaskedLinear : MaskedLayer
{
    Parameter weight;
    Parameter? bias;

    /// <summary>Creates a [out, in] linear layer, with a bias unless told otherwise.</summary>
    /// <param name="path">module path within the model</param>
    /// <param name="inputs">input features</param>
    /// <param name="outputs">output features</param>
    /// <param name="outputGroup">group masking the outputs; null for class outputs</param>
    /// <param name="inputGroup">group of the inputs; null for the model input</param>
    /// <param name="withBias">false: no bias (a network brought by the user may have none)</param>
    public MaskedLinear(string path, int inputs, int outputs, string? outputGroup, string? inputGroup, bool withBias = true)
        : base(nameof(MaskedLinear), path, outputGroup, inputGroup, outputs, inputs, 1)
    {
        weight = nn.Parameter(empty(outputs, inputs));
        using (no_grad())
        {
            nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            if (withBias)
            {
                var bound = 1.0 / Math.Sqrt(Math.Max(1, inputs));
                bias = nn.Parameter(empty(outputs));
                nn.init.uniform_(bias, -bound, bound);
            }
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool IsWeightLayer => true;
    /// <inheritdoc/>
    public override Parameter Weight => weight;
    /// <inheritdoc/>
    public override Parameter? Bias => bias;

    /// <summary>Applies the masked linear map.</summary>
    /// <param name="input">[batch, in]</param>
    /// <returns>[batch, out]</returns>
    public override Tensor forward(Tensor input) => nn.functional.linear(input, EffectiveWeight(), EffectiveBias());
}
