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
            Assert.InRange(count, Math.Max(1, n / members), (n + members - 1) / members); // never an empty member
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
            var members = rng.Next(1, 6);
            var widths = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.Next(members, 21)).ToArray();
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

    /// <summary>Indices of the output (dim 0) or input (dim 1) channels of a weight with a non-zero entry.</summary>
    static int[] LiveChannels(Tensor weight, int dim)
    {
        using var other = weight.abs().transpose(0, dim).flatten(1).sum(1);
        var sums = other.data<float>().ToArray();
        return Enumerable.Range(0, sums.Length).Where(i => sums[i] != 0).ToArray();
    }

    [Fact]
    public void Residual_model_partition_is_disjoint_in_every_stream()
    {
        manual_seed(5);
        using var model = ModelFactory.Create(new ModelSpec("resnet18", [4, 6, 6, 9]), 3, 8, 8, 5);
        // The residual tying: every layer that writes into one residual addition is one group, so a subnetwork keeps the
        // same channels on both sides of it. Stage 1 (identity shortcuts): the stem and both blocks' conv2 write one stream;
        // stage 2 (projection): both blocks' conv2 and the projection write the other.
        var groups = model.UnitGroups.ToDictionary(g => g.Name, g => g.Layers);
        Assert.Equal(["stem", "stem_bn", "stage1_0.conv2", "stage1_0.bn2", "stage1_1.conv2", "stage1_1.bn2"], groups["stage1"]);
        Assert.Equal(["stage2_0.conv2", "stage2_0.bn2", "stage2_0.shortcut", "stage2_0.shortcut_bn", "stage2_1.conv2", "stage2_1.bn2"], groups["stage2"]);
        Assert.Equal(["stage2_0.conv1", "stage2_0.bn1"], groups["stage2_0.mid"]);
        // 4 streams and 8 block-internal groups, nothing else.
        Assert.Equal(12, groups.Count);

        var partition = Partitioner.Split(model, 3, PruningCriterion.Magnitude, PartitionStrategy.AntiRandom, MaskGranularity.Unit, 9);
        foreach (var g in model.UnitGroups)
            AssertPartitionOf(3, partition.Masks.Select(m => m.UnitMask(g.Name)).ToList(), g.Name);

        // Applied, a member's mask leaves exactly its stream channels alive in every layer that writes the stream (so both
        // sides of each addition) and in every layer that reads it.
        var layers = model.MaskedLayers.Where(l => l.IsWeightLayer).ToDictionary(l => l.Path);
        for (var member = 0; member < 3; member++)
        {
            var mask = partition.MaskFor(member);
            using var copy = model.CloneModel();
            copy.ApplyMask(mask);
            var masked = copy.MaskedLayers.Where(l => l.IsWeightLayer).ToDictionary(l => l.Path);
            foreach (var stream in new[] { "stage1", "stage2" })
            {
                var kept = Enumerable.Range(0, mask.UnitMask(stream).Length).Where(u => mask.UnitMask(stream)[u]).ToArray();
                foreach (var writer in groups[stream].Where(layers.ContainsKey))
                    Assert.Equal(kept, LiveChannels(masked[writer].Weight.detach(), 0));
                var readers = stream == "stage1" ? new[] { "stage1_0.conv1", "stage1_1.conv1", "stage2_0.conv1", "stage2_0.shortcut" } : ["stage2_1.conv1", "stage3_0.conv1", "stage3_0.shortcut"];
                foreach (var reader in readers)
                    Assert.Equal(kept, LiveChannels(masked[reader].Weight.detach(), 1));
            }
        }
    }

    [Fact]
    public void A_member_left_without_units_in_a_layer_is_refused()
    {
        manual_seed(6);
        using var model = ModelFactory.Create(new ModelSpec("mlp", [8, 3]), 1, 2, 2, 3);
        // fc2 has 3 units: a 4th member would keep none of them.
        var e = Assert.Throws<ArgumentException>(() =>
            Partitioner.Split(model, 4, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, seed: 1));
        Assert.Contains("Subnetwork 4 of 4 keeps no unit of layer 'fc2' (3 units)", e.Message);
        Assert.Contains("at most 3", e.Message);
        // The same check guards partitions made from owners directly.
        var hand = Assert.Throws<ArgumentException>(() => new SubnetworkPartition(2, MaskGranularity.Unit, new Dictionary<string, int> { ["fc1"] = 3 },
            new Dictionary<string, int[]> { ["fc1"] = [0, 0, 0] }, new Dictionary<string, int[]>()));
        Assert.Contains("Subnetwork 2 of 2 keeps no unit of layer 'fc1'", hand.Message);
        // Three members still fit.
        Assert.Equal(3, Partitioner.Split(model, 3, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, seed: 1).Masks.Count);
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
