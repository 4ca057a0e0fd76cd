using SubnetNotebooks.Native;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Masking;

/// <summary>Splits a model into M non-overlapping subnetworks: score, rank, deal (see <see cref="PartitionStrategy"/>).</summary>
public static class Partitioner
{
    /// <summary>
    /// Partitions every unit group (unit granularity) or every linear/convolution weight (weight granularity) among
    /// <paramref name="members"/> subnetworks. Every unit (weight) goes to exactly one member, and each member gets
    /// floor(U/M) or ceil(U/M) of each group's (layer's) U units (weights). The model input and the class outputs are
    /// shared: they are not units of any group.
    /// </summary>
    /// <param name="model">the parent to split</param>
    /// <param name="members">M, the number of subnetworks (at least 1)</param>
    /// <param name="criterion">how units are scored</param>
    /// <param name="strategy">how the ranking is dealt</param>
    /// <param name="granularity">units (structured, compactable) or single weights (unstructured)</param>
    /// <param name="seed">seed of the random criterion and of the random and anti-random strategies</param>
    /// <param name="batches">(images [batch, C, H, W], labels [batch]) batches for the Taylor criterion</param>
    public static SubnetworkPartition Split(PrunableModel model, int members, PruningCriterion criterion, PartitionStrategy strategy,
        MaskGranularity granularity, long seed, IEnumerable<(Tensor Images, Tensor Labels)>? batches = null)
    {
        using var held = HeldTensors.Hold();
        if (members < 1)
            throw new ArgumentOutOfRangeException(nameof(members), members, "A partition needs at least 1 member; the paper uses M = 2 to 8.");
        var rng = new Random(Seeds.Mix(seed, 0xDEA1));
        var groups = model.UnitGroups.ToDictionary(g => g.Name, g => g.Units);
        if (granularity == MaskGranularity.Unit)
        {
            var scores = UnitScores.Score(model, criterion, seed, batches);
            var owners = model.UnitGroups.ToDictionary(g => g.Name, g => Deal(scores[g.Name], members, strategy, rng));
            return new SubnetworkPartition(members, granularity, groups, owners, new Dictionary<string, int[]>());
        }
        var weightScores = WeightScores.Score(model, criterion, seed, batches);
        var weightOwners = model.MaskedLayers.Where(l => l.IsWeightLayer)
            .ToDictionary(l => l.Path, l => Deal(weightScores[l.Path], members, strategy, rng));
        return new SubnetworkPartition(members, granularity, groups, new Dictionary<string, int[]>(), weightOwners);
    }

    /// <summary>Assigns an owner in [0, members) to each of the scored items by the strategy.</summary>
    /// <param name="scores">[items] scores, higher is more important</param>
    /// <param name="members">M</param>
    /// <param name="strategy">dealing rule</param>
    /// <param name="rng">random source for random and anti-random</param>
    /// <returns>[items] owner index</returns>
    public static int[] Deal(IReadOnlyList<float> scores, int members, PartitionStrategy strategy, Random rng)
    {
        var n = scores.Count;
        var owners = new int[n];
        var ranking = Ranking(scores);
        switch (strategy)
        {
            case PartitionStrategy.RoundRobin:
                for (var r = 0; r < n; r++) owners[ranking[r]] = r % members;
                break;
            case PartitionStrategy.Greedy:
                for (int k = 0, r = 0; k < members; k++)
                {
                    var size = n / members + (k < n % members ? 1 : 0);
                    for (var j = 0; j < size; j++, r++) owners[ranking[r]] = k;
                }
                break;
            case PartitionStrategy.Random:
                var order = Enumerable.Range(0, n).ToArray();
                rng.Shuffle(order);
                for (var r = 0; r < n; r++) owners[order[r]] = r % members;
                break;
            case PartitionStrategy.AntiRandom:
                var deal = Enumerable.Range(0, members).ToArray();
                for (var block = 0; block * members < n; block++)
                {
                    if (block % 2 == 0) rng.Shuffle(deal);
                    else Array.Reverse(deal);
                    for (var j = 0; j < members && block * members + j < n; j++) owners[ranking[block * members + j]] = deal[j];
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown partition strategy; use RoundRobin, Greedy, Random or AntiRandom.");
        }
        return owners;
    }

    /// <summary>Item indices by descending score, ties by ascending index.</summary>
    static int[] Ranking(IReadOnlyList<float> scores)
    {
        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }
}
