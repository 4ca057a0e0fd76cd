using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

public class MaskedTrainingTests
{
    static float TrainStep(PrunableModel model, Sgd opt, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        opt.ZeroGrad();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        opt.Step();
        return loss.item<float>();
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("smallcnn")]
    public void Masked_weights_stay_exactly_zero_through_50_sgd_steps_with_momentum_and_weight_decay(string family)
    {
        using var model = TinyModels.ByName(family, dropout: 0.2);
        var mask = TinyModels.Stripe(model, 3, 1);
        model.ApplyMask(mask);
        var before = model.MaskedLayers[0].Weight.detach().clone();
        model.train();
        using var opt = new Sgd(model.parameters(), 0.1, momentum: 0.9, weightDecay: 5e-4);
        for (var step = 0; step < 50; step++)
        {
            var (x, y) = TinyModels.Batch(model, 4, 100 + step);
            var loss = TrainStep(model, opt, x, y);
            Assert.True(float.IsFinite(loss));
            x.Dispose(); y.Dispose();
        }
        var masked = TinyModels.MaskedEntries(model, mask);
        Assert.NotEmpty(masked);
        Assert.All(masked, v => Assert.Equal(0.0f, v));
        // The kept weights did train.
        Assert.False(model.MaskedLayers[0].Weight.detach().allclose(before));
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("wrn")]
    public void Residual_models_train_one_step_masked_and_compacted(string family)
    {
        using var model = TinyModels.ByName(family, dropout: 0.1);
        var mask = TinyModels.Stripe(model, 2, 0);
        model.ApplyMask(mask);
        model.train();
        var (x, y) = TinyModels.Batch(model, 2, 7);
        using (var opt = new Sgd(model.parameters(), 0.05, momentum: 0.9, weightDecay: 5e-4))
            Assert.True(float.IsFinite(TrainStep(model, opt, x, y)));
        var masked = TinyModels.MaskedEntries(model, mask);
        Assert.NotEmpty(masked);
        Assert.All(masked, v => Assert.Equal(0.0f, v));

        using var thin = model.Compact(mask);
        thin.train();
        using (var opt = new Sgd(thin.parameters(), 0.05, momentum: 0.9, weightDecay: 5e-4))
            Assert.True(float.IsFinite(TrainStep(thin, opt, x, y)));
        Assert.All(thin.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Removing_the_mask_makes_the_model_dense_again()
    {
        using var model = TinyModels.Mlp();
        var mask = TinyModels.Stripe(model, 2, 0);
        model.ApplyMask(mask);
        Assert.Same(mask, model.Mask);
        model.ApplyMask(null);
        Assert.Null(model.Mask);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ActiveParameters());
    }
}
