using SubnetNotebooks.Native;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Masking;

/// <summary>Importance of every single weight of the linear and convolution layers, for unstructured (weight-level) pruning.</summary>
public static class WeightScores
{
    /// <summary>
    /// Scores each weight: |w| (magnitude), uniform random from the seed, or |w * dL/dw| (Taylor, gradients of the
    /// cross-entropy summed over <paramref name="batches"/> in evaluation mode; gradients are cleared afterwards).
    /// </summary>
    /// <param name="model">the (trained) parent; a masked model scores its masked weights 0</param>
    /// <param name="criterion">pruning criterion</param>
    /// <param name="seed">seed for the random criterion</param>
    /// <param name="batches">(images [batch, C, H, W] float, labels [batch] int64) batches, required by Taylor</param>
    /// <returns>layer path to scores over the layer's weight flattened row-major</returns>
    public static IReadOnlyDictionary<string, float[]> Score(PrunableModel model, PruningCriterion criterion, long seed,
        IEnumerable<(Tensor Images, Tensor Labels)>? batches = null)
    {
        using var held = HeldTensors.Hold();
        var layers = model.MaskedLayers.Where(l => l.IsWeightLayer).ToList();
        if (criterion == PruningCriterion.Random)
        {
            var rng = new Random(Seeds.Mix(seed, 0x5EED));
            return layers.ToDictionary(l => l.Path, l =>
            {
                var s = new float[l.Weight.numel()];
                for (var i = 0; i < s.Length; i++) s[i] = rng.NextSingle();
                return s;
            });
        }
        var importance = Importance(model, criterion, batches);
        var result = importance.ToDictionary(kv => kv.Key, kv => kv.Value.flatten().data<float>().ToArray());
        foreach (var t in importance.Values) t.Dispose();
        return result;
    }

    /// <summary>Per-weight importance tensors (CPU, shaped like each weight) for magnitude or Taylor.</summary>
    internal static Dictionary<string, Tensor> Importance(PrunableModel model, PruningCriterion criterion,
        IEnumerable<(Tensor Images, Tensor Labels)>? batches)
    {
        var layers = model.MaskedLayers.Where(l => l.IsWeightLayer).ToList();
        if (criterion == PruningCriterion.Magnitude)
        {
            using var _ = no_grad();
            return layers.ToDictionary(l => l.Path, l => l.Weight.detach().abs().cpu());
        }
        if (criterion != PruningCriterion.Taylor)
            throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "Only magnitude and Taylor have weight importances; random scores are drawn.");
        if (batches is null)
            throw new ArgumentException("The Taylor criterion needs a few labelled batches to take gradients on; pass batches (e.g. 4 training batches).");
        var wasTraining = model.training;
        model.eval();
        model.zero_grad();
        var count = 0;
        foreach (var (images, labels) in batches)
        {
            using var scope = NewDisposeScope();
            nn.functional.cross_entropy(model.call(images), labels).backward();
            count++;
        }
        if (count == 0)
            throw new ArgumentException("The Taylor criterion got an empty sequence of batches; pass at least one labelled batch.");
        Dictionary<string, Tensor> result;
        using (no_grad())
            result = layers.ToDictionary(l => l.Path, l =>
                l.Weight.grad is { } g ? (l.Weight.detach() * g).abs().cpu() : zeros_like(l.Weight).cpu());
        model.zero_grad();
        model.train(wasTraining);
        return result;
    }
}
