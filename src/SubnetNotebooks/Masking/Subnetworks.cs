using SubnetNotebooks.Native;
using SubnetNotebooks.Models;
using SubnetNotebooks.Models.Custom;
using static TorchSharp.torch;

namespace SubnetNotebooks.Masking;

/// <summary>
/// The M disjoint subnetworks of one network: the partition (one unit mask per member), each member as a masked copy of
/// the parent and as a thin dense model, and the members fused into one grouped network when their widths allow it.
/// Disposing it disposes the thin members and the fused network (not the parent).
/// </summary>
/// <param name="Parent">the split network (unmasked)</param>
/// <param name="Partition">which member owns each unit</param>
/// <param name="Compact">member k as a thin dense model, in evaluation mode; its logits equal the masked parent's</param>
/// <param name="Fused">the members as one grouped network (output [M, batch, classes]), or null (see <paramref name="WhyNotFused"/>)</param>
/// <param name="WhyNotFused">why the members could not be fused; null when they were</param>
public sealed record SplitResult(PrunableModel Parent, SubnetworkPartition Partition, IReadOnlyList<PrunableModel> Compact,
    FusedSubnetworks? Fused, string? WhyNotFused) : IDisposable
{
    /// <summary>M, the number of subnetworks.</summary>
    public int Members => Partition.Members;

    /// <summary>Member <paramref name="member"/> as a masked copy of the parent (same shapes, other units zero), in the parent's mode.</summary>
    /// <param name="member">0 .. M - 1</param>
    public PrunableModel Masked(int member)
    {
        var copy = Parent.CloneModel();
        copy.ApplyMask(Partition.MaskFor(member));
        return copy;
    }

    /// <summary>Disposes the thin members and the fused network.</summary>
    public void Dispose()
    {
        foreach (var m in Compact) m.Dispose();
        Fused?.Dispose();
    }
}

/// <summary>
/// "Ex uno plures" for any network: split one trained network into M disjoint subnetworks with the kit's pruning criteria
/// and partition strategies. A network of TorchSharp modules is first made prunable by <see cref="SplitNetwork.From"/>.
/// </summary>
public static class Subnetworks
{
    /// <summary>Splits <paramref name="model"/> into <paramref name="members"/> disjoint unit-level subnetworks.</summary>
    /// <param name="model">a kit model or a <see cref="SplitNetwork"/>, unmasked</param>
    /// <param name="members">M (every group needs at least M units)</param>
    /// <param name="criterion">how units are scored</param>
    /// <param name="strategy">how the ranking is dealt to the members</param>
    /// <param name="seed">seed of the random criterion and strategies</param>
    public static SplitResult Split(PrunableModel model, int members, PruningCriterion criterion = PruningCriterion.Magnitude,
        PartitionStrategy strategy = PartitionStrategy.RoundRobin, long seed = 0)
    {
        using var held = HeldTensors.Hold();
        if (model.Mask is not null)
            throw new ArgumentException("The model is masked; split the unmasked parent (ApplyMask(null) first).", nameof(model));
        var narrow = model.UnitGroups.FirstOrDefault(g => g.Units < members);
        if (narrow is not null)
            throw new ArgumentException($"Group '{narrow.Name}' has {narrow.Units} units, fewer than M = {members}: every subnetwork needs at least one unit of every group. Use M <= {model.UnitGroups.Min(g => g.Units)}.", nameof(members));
        var partition = Partitioner.Split(model, members, criterion, strategy, MaskGranularity.Unit, seed);
        var compact = partition.Masks.Select(model.Compact).ToList();
        var why = FusedSubnetworks.WhyNotFusable(compact);
        return new SplitResult(model, partition, compact, why is null ? FusedSubnetworks.Fuse(compact) : null, why);
    }

    /// <summary>Makes the network <paramref name="build"/> returns prunable (see <see cref="SplitNetwork.From"/>) and splits it.</summary>
    /// <param name="build">builds the network (with its weights)</param>
    /// <param name="coupling">its residual streams; null for a chain</param>
    /// <param name="input">(channels, height, width) of its input</param>
    /// <param name="classes">classes</param>
    /// <param name="members">M</param>
    /// <param name="criterion">how units are scored</param>
    /// <param name="strategy">how the ranking is dealt</param>
    /// <param name="seed">seed of the random criterion and strategies</param>
    public static SplitResult Split(Func<nn.Module<Tensor, Tensor>> build, NetworkCoupling? coupling, (int Channels, int Height, int Width) input, int classes,
        int members, PruningCriterion criterion = PruningCriterion.Magnitude, PartitionStrategy strategy = PartitionStrategy.RoundRobin, long seed = 0) =>
        Split(SplitNetwork.From(build, coupling, input.Channels, input.Height, input.Width, classes), members, criterion, strategy, seed);
}
