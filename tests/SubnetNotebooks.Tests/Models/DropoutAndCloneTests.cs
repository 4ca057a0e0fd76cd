using SubnetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class DropoutAndCloneTests
{
    static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    [Fact]
    public void Test_time_dropout_keeps_only_dropout_stochastic()
    {
        using var model = TinyModels.Cnn(dropout: 0.5);
        var (x, _) = TinyModels.Batch(model, 4, 3);
        model.eval();
        using var a = model.call(x);
        using var b = model.call(x);
        Assert.True(Same(a, b));

        model.SetTestTimeDropout(true);
        var bn = model.MaskedLayers.OfType<MaskedBatchNorm2d>().First();
        var mean = bn.named_buffers().Single(t => t.name == "running_mean").buffer.clone();
        using var c = model.call(x);
        model.eval(); // evaluation mode again: dropout must stay on
        using var d = model.call(x);
        Assert.False(Same(c, d));
        // BatchNorm stayed in evaluation mode: its running statistics did not move.
        Assert.True(Same(bn.named_buffers().Single(t => t.name == "running_mean").buffer, mean));

        model.SetTestTimeDropout(false);
        using var e = model.call(x);
        Assert.True(Same(e, a));
    }

    [Theory]
    [MemberData(nameof(TinyModels.Families), MemberType = typeof(TinyModels))]
    public void Clone_is_a_deep_copy_with_the_mask(string family)
    {
        using var model = TinyModels.ByName(family);
        var mask = TinyModels.Stripe(model, 2, 1);
        model.ApplyMask(mask);
        model.eval();
        using var clone = model.CloneModel();
        var (x, _) = TinyModels.Batch(model, 2, 5);
        using (no_grad())
        {
            Assert.True(Same(model.call(x), clone.call(x)));
            Assert.Same(mask, clone.Mask);
            Assert.False(clone.training);
            clone.MaskedLayers[0].Weight.add_(1.0f);
            Assert.False(Same(model.call(x), clone.call(x)));
        }
        Assert.Equal(model.ActiveParameters(), clone.ActiveParameters());
    }
}

public class ModelConversionTests
{
    [Fact]
    public void Converting_the_model_keeps_layers_pointing_at_the_converted_parameters_and_masks_working()
    {
        using var model = TinyModels.Cnn();
        var mask = TinyModels.Stripe(model, 2, 0);
        model.ApplyMask(mask);
        model.to(ScalarType.Float64);
        Assert.All(model.MaskedLayers, l => Assert.Equal(ScalarType.Float64, l.Weight.dtype));
        var registered = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.Handle);
        Assert.All(model.MaskedLayers, l => Assert.Equal(registered[l.Path + ".weight"], l.Weight.Handle));
        model.train();
        using var x = randn(2, 1, 8, 8, dtype: ScalarType.Float64);
        using var loss = model.call(x).sum();
        loss.backward();
        Assert.All(TinyModels.MaskedEntries(model, mask), v => Assert.Equal(0.0f, v));
        var grad = model.MaskedLayers[0].Weight.grad!.data<double>().ToArray();
        // conv1 output channel 1 is masked for member 0 of 2: its 9 gradients are zero.
        Assert.All(grad.Skip(9).Take(9), g => Assert.Equal(0.0, g));
    }
}
