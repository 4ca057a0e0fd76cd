using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Metrics;

/// <summary>
/// Analytic inference cost of a model: one forward pass of a single zero example with hooks on
/// every nn.Linear and nn.Conv2d module, counting 2 · nonzero(weight) · output positions floating
/// point operations per layer (a multiply-add is 2; pruned weights cost nothing). Output
/// positions are 1 for a linear layer on a vector and H_out · W_out for a convolution. Biases,
/// normalisation, activations and pooling are not counted, nor layers of other types: for masked
/// layers that compute their own product, count with the Models folder's own counter.
/// </summary>
public static class Flops
{
    /// <summary>Floating-point operations per example.</summary>
    /// <param name="model">the model; its training mode is restored afterwards</param>
    /// <param name="inputShape">shape of ONE example without the batch dimension, e.g. [1, 28, 28] or [784]</param>
    public static double Count(nn.Module<Tensor, Tensor> model, long[] inputShape)
    {
        double total = 0;
        var removers = new List<Action>();
        foreach (var module in model.modules())
        {
            if (module is Linear linear)
                removers.Add(linear.register_forward_hook((m, input, output) =>
                {
                    total += 2.0 * NonZero(linear.weight!) * (output.numel() / output.shape[^1]);
                    return output;
                }).remove);
            else if (module is Conv2d conv)
                removers.Add(conv.register_forward_hook((m, input, output) =>
                {
                    total += 2.0 * NonZero(conv.weight!) * (output.numel() / output.shape[1]);
                    return output;
                }).remove);
        }
        bool wasTraining = model.training;
        try
        {
            model.eval();
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            model.call(zeros([1, .. inputShape], device: device));
        }
        finally
        {
            foreach (var remove in removers) remove();
            model.train(wasTraining);
        }
        return total;
    }

    static long NonZero(Tensor weight)
    {
        using var count = weight.count_nonzero();
        return count.item<long>();
    }
}
