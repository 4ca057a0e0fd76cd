using SubnetNotebooks.Native;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Masking;

/// <summary>Importance of every prunable unit, the ranking that partition strategies deal from.</summary>
public static class UnitScores
{
    /// <summary>
    /// Scores each unit of each <see cref="UnitGroup"/>: magnitude is the L1 norm of the unit's incoming weights,
    /// summed over every linear or convolution layer writing into the group (a residual stream sums its stem,
    /// second convolutions and projections); Taylor sums |w * dL/dw| over the same weights; random draws a uniform
    /// score per unit from the seed. BatchNorm parameters do not enter the score.
    /// </summary>
    /// <param name="model">the (trained) parent</param>
    /// <param name="criterion">pruning criterion</param>
    /// <param name="seed">seed for the random criterion</param>
    /// <param name="batches">(images [batch, C, H, W] float, labels [batch] int64) batches, required by Taylor</param>
    /// <returns>group name to [units] scores</returns>
    public static IReadOnlyDictionary<string, float[]> Score(PrunableModel model, PruningCriterion criterion, long seed,
        IEnumerable<(Tensor Images, Tensor Labels)>? batches = null)
    {
        using var held = HeldTensors.Hold();
        if (criterion == PruningCriterion.Random)
        {
            var rng = new Random(Seeds.Mix(seed, 0x0417));
            return model.UnitGroups.ToDictionary(g => g.Name, g =>
            {
                var s = new float[g.Units];
                for (var i = 0; i < s.Length; i++) s[i] = rng.NextSingle();
                return s;
            });
        }
        var importance = WeightScores.Importance(model, criterion, batches);
        try
        {
            var scores = model.UnitGroups.ToDictionary(g => g.Name, g => new float[g.Units]);
            foreach (var layer in model.MaskedLayers.Where(l => l.IsWeightLayer && l.OutputGroup is not null))
            {
                using var perUnit = importance[layer.Path].reshape(layer.OutputUnits, -1).sum(1);
                var values = perUnit.data<float>().ToArray();
                var target = scores[layer.OutputGroup!];
                for (var i = 0; i < values.Length; i++) target[i] += values[i];
            }
            return scores;
        }
        finally
        {
            foreach (var t in importance.Values) t.Dispose();
        }
    }
}
