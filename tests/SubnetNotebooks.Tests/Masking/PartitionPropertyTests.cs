using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Masking;

public class PartitionPropertyTests
{
    static void AssertPartitionOf(int members, IReadOnlyList<bool[]> keptByMember, string what)
    {
        var n = keptByMember[0].Length;
        for (var u = 0; u < n; u++)
        {
            var holders = keptByMember.Count(k => k[u]);
            Assert.True(holders == 1, $"{what}: item {u} is kept by {holders} members; expected exactly 1.");
        }
        foreach (var k in keptByMember)
        {
            var count = k.Count(x => x);
            Assert.InRange(count, n / members, (n + members - 1) / members);
        }
    }

    [Fact]
    public void Random_widths_and_member_counts_give_disjoint_covering_balanced_partitions()
    {
        var rng = new Random(2024);
        var strategies = Enum.GetValues<PartitionStrategy>();
        var criteria = new[] { PruningCriterion.Magnitude, PruningCriterion.Random };
        for (var trial = 0; trial < 50; trial++)
        {
            var widths = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.Next(1, 21)).ToArray();
            var members = rng.Next(1, 6);
            var strategy = strategies[rng.Next(strategies.Length)];
            var criterion = criteria[rng.Next(criteria.Length)];
            var granularity = trial % 5 == 4 ? MaskGranularity.Weight : MaskGranularity.Unit;
            manual_seed(trial);
            using var model = ModelFactory.Create(new ModelSpec("mlp", widths), 1, 2, 2, 3);
            var partition = Partitioner.Split(model, members, criterion, strategy, granularity, seed: trial);
            var label = $"trial {trial}: widths [{string.Join(",", widths)}], M={members}, {strategy}, {criterion}, {granularity}";

            Assert.Equal(members, partition.Masks.Count);
            if (granularity == MaskGranularity.Unit)
            {
                foreach (var g in model.UnitGroups)
                    AssertPartitionOf(members, partition.Masks.Select(m => m.UnitMask(g.Name)).ToList(), $"{label}, group {g.Name}");
                Assert.Equal(0, partition.SharedUnits());
            }
            else
            {
                foreach (var layer in model.MaskedLayers.Where(l => l.IsWeightLayer))
                    AssertPartitionOf(members, partition.Masks.Select(m => m.WeightMask(layer.Path)!).ToList(), $"{label}, layer {layer.Path}");
                Assert.All(partition.Masks, m => Assert.All(m.Units.Values, u => Assert.All(u, Assert.True)));
            }
            var iou = partition.PairwiseIoU();
            for (var i = 0; i < members; i++)
                for (var j = 0; j < members; j++)
                    if (i != j) Assert.Equal(0.0, iou[i, j]);
        }
    }

    [Fact]
    public void Residual_model_partition_is_disjoint_in_every_stream()
    {
        manual_seed(5);
        using var model = ModelFactory.Create(new ModelSpec("resnet18", [4, 6, 6, 9]), 3, 8, 8, 5);
        var partition = Partitioner.Split(model, 3, PruningCriterion.Magnitude, PartitionStrategy.AntiRandom, MaskGranularity.Unit, 9);
        foreach (var g in model.UnitGroups)
            AssertPartitionOf(3, partition.Masks.Select(m => m.UnitMask(g.Name)).ToList(), g.Name);
    }

    [Fact]
    public void Same_seed_gives_same_partition_and_other_seed_another()
    {
        manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec("mlp", [40]), 1, 2, 2, 3);
        int[] Owners(long seed) => Partitioner.Split(model, 4, PruningCriterion.Random, PartitionStrategy.Random, MaskGranularity.Unit, seed).UnitOwners["fc1"];
        Assert.Equal(Owners(3), Owners(3));
        Assert.NotEqual(Owners(3), Owners(4));
    }
}
