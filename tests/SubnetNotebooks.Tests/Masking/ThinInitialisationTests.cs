using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Masking;

public class ThinInitialisationTests
{
    /// <summary>The kept block of a layer's weight: rows of the kept output units, columns of the kept input units.</summary>
    static float[] Kept(MaskedLayer layer, MaskSet mask)
    {
        var w = layer.Weight.detach();
        if (layer.OutputGroup is not null) w = w.index_select(0, tensor(mask.KeptIndices(layer.OutputGroup)));
        if (layer.InputGroup is not null) w = w.index_select(1, tensor(mask.KeptIndices(layer.InputGroup)));
        return w.flatten().data<float>().ToArray();
    }

    /// <summary>
    /// PyTorch's default init draws U(-1/sqrt(fan_in), 1/sqrt(fan_in)). A 256-256 MLP split into 4: the second layer's
    /// members read 64 units, so their weights and biases must reach the thin bound 1/8, twice the full layer's 1/16,
    /// and never exceed it; the first layer reads the 256 input pixels every member shares and keeps 1/16.
    /// </summary>
    [Fact]
    public void FanInLayersTakeTheBoundOfTheirKeptInputs()
    {
        manual_seed(7);
        using var model = ModelFactory.Create(new ModelSpec("mlp", [256, 256]), 1, 16, 16, 10);
        var mask = Partitioner.Split(model, 4, PruningCriterion.Random, PartitionStrategy.RoundRobin, MaskGranularity.Unit, 3).MaskFor(1);
        ThinInitialisation.Rescale(model, mask);
        var layers = model.MaskedLayers.Where(l => l.IsWeightLayer).ToArray();
        var first = Kept(layers[0], mask).Select(Math.Abs).Max();
        Assert.InRange(first, 0.9 / 16, 1.0 / 16 + 1e-6);
        var second = Kept(layers[1], mask).Select(Math.Abs).Max();
        Assert.InRange(second, 0.9 / 8, 1.0 / 8 + 1e-6);
        var bias = layers[1].Bias!.detach().index_select(0, tensor(mask.KeptIndices(layers[1].OutputGroup!))).data<float>().ToArray();
        Assert.InRange(bias.Select(Math.Abs).Max(), 1.0 / 16, 1.0 / 8 + 1e-6);
    }

    /// <summary>
    /// ResNet convolutions are Kaiming-normal in fan-out mode, std sqrt(2 / (out x 9)). Split into 4 members, a 64-channel
    /// stage-1 convolution keeps 16 output channels, so its kept weights must have std sqrt(2 / (16 x 9)) = 0.118
    /// (2,304 samples: within 6 %), twice the full layer's 0.059.
    /// </summary>
    [Fact]
    public void FanOutConvolutionsTakeTheStdOfTheirKeptOutputs()
    {
        manual_seed(8);
        using var model = ModelFactory.Create(new ModelSpec("resnet18", [64, 64, 128, 128]), 3, 8, 8, 10);
        var mask = Partitioner.Split(model, 4, PruningCriterion.Random, PartitionStrategy.RoundRobin, MaskGranularity.Unit, 3).MaskFor(2);
        ThinInitialisation.Rescale(model, mask);
        var conv = model.MaskedLayers.First(l => l.IsWeightLayer && l.InitialisedByFanOut && l.InputGroup is not null && l.OutputUnits == 64);
        var kept = Kept(conv, mask);
        Assert.Equal(16 * mask.KeptUnits(conv.InputGroup!) * 9, kept.Length);
        double mean = kept.Average(v => (double)v);
        double std = Math.Sqrt(kept.Sum(v => (v - mean) * (v - mean)) / (kept.Length - 1));
        Assert.InRange(std, 0.94 * Math.Sqrt(2.0 / (16 * 9)), 1.06 * Math.Sqrt(2.0 / (16 * 9)));
    }
}
