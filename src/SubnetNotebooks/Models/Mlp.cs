using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// Multilayer perceptron: flatten, then per hidden layer Linear-ReLU, then a linear head. With dropout, dropout is
/// applied to every hidden layer's activations, i.e. before every hidden-to-hidden and hidden-to-head linear layer.
/// Groups: "fc1".."fcL" (the hidden units of each hidden layer).
/// </summary>
public sealed class Mlp : PrunableModel
{
    // Layers are held as nn.Module<Tensor, Tensor> (here and in the other kit models) so that the fused network swaps in grouped ones.
    readonly nn.Module<Tensor, Tensor>[] _hidden;
    readonly SeededDropout?[] _drop;
    readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds the MLP of <paramref name="spec"/> (Widths = hidden sizes, possibly empty for a linear model).</summary>
    /// <param name="spec">architecture</param>
    /// <param name="channels">input channels</param>
    /// <param name="height">input height</param>
    /// <param name="width">input width</param>
    /// <param name="classes">number of classes</param>
    /// <param name="widths">group widths overriding the spec (compaction), or null</param>
    public Mlp(ModelSpec spec, int channels, int height, int width, int classes, IReadOnlyDictionary<string, int>? widths = null)
        : base(nameof(Mlp), spec, channels, height, width, classes)
    {
        var inputs = channels * height * width;
        string? inGroup = null;
        _hidden = new nn.Module<Tensor, Tensor>[spec.Widths.Length];
        _drop = new SeededDropout?[spec.Widths.Length];
        for (var i = 0; i < spec.Widths.Length; i++)
        {
            var name = $"fc{i + 1}";
            var w = WidthOf(widths, name, spec.Widths[i]);
            if (w < 1) throw new ArgumentException($"MLP hidden width {i + 1} is {w}; widths must be positive, e.g. [512, 512].");
            _hidden[i] = Track(new MaskedLinear(name, inputs, w, name, inGroup));
            register_module(name, _hidden[i]);
            _drop[i] = MakeDropout();
            if (_drop[i] is { } d) register_module($"drop{i + 1}", d);
            inputs = w;
            inGroup = name;
        }
        head = Track(new MaskedLinear("head", inputs, classes, null, inGroup));
        register_module("head", head);
        Seal();
    }

    internal override PrunableModel WithWidths(IReadOnlyDictionary<string, int> widths) =>
        new Mlp(Spec, Channels, Height, Width, Classes, widths);

    /// <summary>Computes logits.</summary>
    /// <param name="input">[batch, channels, height, width] (or any [batch, ...] with channels*height*width features)</param>
    /// <returns>[batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var x = input.flatten(1);
        for (var i = 0; i < _hidden.Length; i++)
        {
            x = nn.functional.relu(_hidden[i].call(x));
            if (_drop[i] is { } d) x = d.call(x);
        }
        return head.call(x);
    }
}
