using SubnetNotebooks.Masking;
using SubnetNotebooks.Training;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// M members given by fixed unit masks over one shared <see cref="PrunableModel"/> (Masksembles, or masks from
/// <see cref="OverlapMasks"/>), trained jointly: member k zeroes the units its mask drops. Masks act where the paper's
/// Masksembles layer sits, after normalisation: on the outputs of the BatchNorm layers of a group, or of its linear and
/// convolution layers when the group has no BatchNorm. In evaluation every member therefore equals the shared model
/// with its mask applied, and its cost is that subnetwork's.
/// With <c>separateMembers</c> the members are coupled only where their masks overlap: each member has its own
/// BatchNorm (scale, shift and statistics over its own examples) and its own head bias, and the training objective
/// is the sum of the members' mean losses, so a member's gradient is that of a network trained alone on its share of
/// the batch (not 1/M of it). With disjoint masks the members then share no parameter at all.
/// </summary>
public sealed class MaskedMembersNetwork : SharedWeightsNetwork, ITrainingObjective
{
    const string HeadBias = "member_head_bias";
    readonly MaskSet[] _masks;
    readonly Dictionary<string, string> _tables = [];

    /// <summary>Wraps <paramref name="shared"/> (which this network owns) with one unit mask per member.</summary>
    /// <param name="shared">the shared network</param>
    /// <param name="masks">M unit-level masks over the groups of <paramref name="shared"/></param>
    /// <param name="separateMembers">true: per-member BatchNorm and head bias, objective the sum of member losses; false
    /// (Masksembles): BatchNorm and head bias shared, objective the mean loss over the batch</param>
    public MaskedMembersNetwork(PrunableModel shared, IReadOnlyList<MaskSet> masks, bool separateMembers = false)
        : base(nameof(MaskedMembersNetwork), shared, masks.Count)
    {
        foreach (var m in masks)
        {
            m.Validate(shared);
            if (m.Granularity != MaskGranularity.Unit)
                throw new ArgumentException("Masked members need unit-level masks (one flag per unit of every group); weight-level masks cannot act on activations.");
        }
        _masks = [.. masks];
        SeparateMembers = separateMembers;
        int index = 0;
        foreach (var group in shared.UnitGroups)
        {
            var flags = masks.SelectMany(m => m.UnitMask(group.Name)).ToArray();
            var table = tensor(flags).to(ScalarType.Float32).reshape(masks.Count, group.Units);
            register_buffer($"mask{index}", table);
            _tables[group.Name] = $"mask{index++}";
        }
        var layers = shared.MaskedLayers.Where(l => l.OutputGroup is not null).ToList();
        foreach (var layer in layers)
        {
            bool groupHasNorm = layers.Any(l => l.OutputGroup == layer.OutputGroup && !l.IsWeightLayer);
            if (layer.IsWeightLayer && groupHasNorm) continue;
            var buffer = _tables[layer.OutputGroup!];
            // Looked up by name at every call: moving the network to a device replaces the buffer tensors.
            layer.register_forward_hook((_, _, output) => Member is null ? output : output * PerExample(get_buffer(buffer)!, output));
        }
        if (separateMembers) Separate(shared);
        register_module("shared", shared);
    }

    /// <summary>True when members have their own BatchNorm and head bias and train on the sum of their losses.</summary>
    public bool SeparateMembers { get; }

    /// <summary>Per-member BatchNorm layers and head bias (initialised as the shared ones); the shared head bias is fixed at 0.</summary>
    void Separate(PrunableModel shared)
    {
        foreach (var norm in shared.MaskedLayers.OfType<MaskedBatchNorm2d>()) norm.SeparateMembers(Members, () => Member);
        foreach (var head in shared.MaskedLayers.Where(l => l.OutputGroup is null && l.IsWeightLayer && l.Bias is not null))
        {
            var bias = head.Bias!;
            using (no_grad())
            {
                register_parameter(HeadBias, nn.Parameter(bias.detach().unsqueeze(0).repeat(Members, 1)));
                bias.zero_();
            }
            bias.requires_grad = false;
            head.register_forward_hook((_, _, output) => Member is null ? output : output.add(PerExample(get_parameter(HeadBias)!, output), OwnedScalars.One));
        }
    }

    /// <summary>The members' masks, in member order.</summary>
    public IReadOnlyList<MaskSet> Masks => _masks;

    /// <summary>The mask keeping every unit that at least one member keeps.</summary>
    public MaskSet Union => new(_masks[0].Units.Keys.ToDictionary(g => g, g =>
        Enumerable.Range(0, _masks[0].Units[g].Length).Select(u => _masks.Any(m => m.Units[g][u])).ToArray()));

    /// <summary>
    /// Parameters of the units kept by at least one member; with separate members each member's BatchNorm scales and
    /// shifts of its kept units and its head bias count once per member.
    /// </summary>
    public override long Parameters => !SeparateMembers ? Shared.ActiveParameters(Union) : Shared.MaskedLayers.Sum(l =>
        l is MaskedBatchNorm2d ? _masks.Sum(m => l.ActiveParameters(m))
        : l.OutputGroup is null && l.Bias is not null ? l.ActiveWeights(Union) + (long)Members * l.OutputUnits
        : l.ActiveParameters(Union));

    /// <summary>Sum over members of the FLOPs of the shared model under that member's mask.</summary>
    public override long FlopsPerExample => _masks.Sum(m => Shared.FlopsPerExample(m));

    /// <summary>M times the dense shared model's FLOPs: each member's tile of the batch runs the whole network, its mask
    /// multiplying dropped units' outputs by zero, so the masked units cost as much as kept ones.</summary>
    public override long ExecutedFlopsPerExample => Members * Shared.FlopsPerExample(null);

    /// <summary>
    /// Separate members: the mean over members of each member's mean cross-entropy on its share of the batch (backward
    /// runs on M times it, the sum); shared: the mean cross-entropy over the batch.
    /// </summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <param name="labels">[B] int64</param>
    /// <param name="labelSmoothing">label smoothing of every cross-entropy term</param>
    public (Tensor Loss, Tensor Logits) TrainingLoss(Tensor images, Tensor labels, double labelSmoothing)
    {
        var logits = TrainingLogits(images);
        if (!SeparateMembers) return (nn.functional.cross_entropy(logits, labels, label_smoothing: labelSmoothing), logits);
        var perExample = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None, label_smoothing: labelSmoothing);
        using var member = BatchSplit(images.shape[0], Members, images.device);
        var share = member.bincount(null, Members).to(perExample.dtype).index_select(0, member);
        return ((perExample / share).sum().div(OwnedScalars.Of(Members)), logits);
    }

    /// <summary>M for separate members (the objective is the sum of their mean losses), else 1.</summary>
    public double ObjectiveScale => SeparateMembers ? Members : 1;
}
