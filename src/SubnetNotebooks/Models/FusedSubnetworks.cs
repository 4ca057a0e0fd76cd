using SubnetNotebooks.Models.Custom;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M compacted subnetworks of one architecture run as ONE grouped (block-diagonal) network: grouped linear layers
/// (batched matmul over weights [M, out, in]), grouped convolutions (groups = M), BatchNorm over M * C channels.
/// Every parameter is member-major (its leading dimension is M times the member's), member m's outputs depend only on
/// member m's inputs and parameters, so a training step of the fused network is M independent training steps done in
/// one pass. Parameter names equal the members' (e.g. "fc1.weight", "bn2.running_var"), so weights move between the
/// fused network and the thin members with <see cref="CopyFrom"/> and <see cref="CopyInto"/>.
/// Input: [batch, C, H, W] shared by every member, or [M, batch, C, H, W] one batch per member; output: [M, batch, classes].
/// </summary>
public abstract class FusedSubnetworks : nn.Module<Tensor, Tensor>
{
    /// <summary>Stores M and the member architecture; subclasses build the grouped layers.</summary>
    protected FusedSubnetworks(string name, PrunableModel first, int members) : base(name)
    {
        Members = members;
        Classes = first.Classes;
        Channels = first.Channels;
        Height = first.Height;
        Width = first.Width;
        Spec = first.Spec;
        GroupWidths = first.UnitGroups.ToDictionary(g => g.Name, g => g.Units);
    }

    /// <summary>M, the number of fused members.</summary>
    public int Members { get; }
    /// <summary>Classes of every member.</summary>
    public int Classes { get; }
    /// <summary>Input channels.</summary>
    public int Channels { get; }
    /// <summary>Input height.</summary>
    public int Height { get; }
    /// <summary>Input width.</summary>
    public int Width { get; }
    /// <summary>The members' specification (kind, dropout).</summary>
    public ModelSpec Spec { get; }
    /// <summary>Width of every unit group in ONE member.</summary>
    public IReadOnlyDictionary<string, int> GroupWidths { get; }

    /// <summary>Trainable parameters of all members together (equals the sum over the compacted members).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Why <paramref name="members"/> cannot be fused, or null when they can: they must be unmasked thin models of a
    /// supported family (mlp, smallcnn, resnet18, wrn) with identical group widths (an even split, e.g. widths divisible by M).
    /// </summary>
    public static string? WhyNotFusable(IReadOnlyList<PrunableModel> members)
    {
        if (members.Count == 0) return "there are no members";
        var first = members[0];
        if (first is not (Mlp or SmallCnn or ResNet18 or WideResNet or SplitNetwork))
            return $"fused execution supports mlp, smallcnn, resnet18, wrn and split networks, not {first.Spec.Kind}";
        if (first is SplitNetwork split && FusedSplitNetwork.WhyNot(split) is { } why) return why;
        foreach (var m in members)
        {
            if (m.GetType() != first.GetType()) return "the members are of different families";
            if (m.Mask is not null) return "a member is masked, not compacted (fusion needs unit-level masks compacted into thin models)";
            foreach (var g in first.UnitGroups)
            {
                var other = m.UnitGroups.FirstOrDefault(x => x.Name == g.Name);
                if (other is null || other.Units != g.Units)
                    return $"group '{g.Name}' has {g.Units} units in member 1 but {other?.Units ?? 0} in another; fusion needs an even split (widths divisible by M)";
            }
        }
        return null;
    }

    /// <summary>Builds the fused network of <paramref name="members"/> (thin, compacted models) and copies their state into it, on their device.</summary>
    /// <exception cref="ArgumentException">the members cannot be fused (see <see cref="WhyNotFusable"/>)</exception>
    public static FusedSubnetworks Fuse(IReadOnlyList<PrunableModel> members)
    {
        var why = WhyNotFusable(members);
        if (why is not null)
            throw new ArgumentException($"Cannot fuse {members.Count} subnetworks: {why}. Use execution 'compact' (--set execution=compact).");
        FusedSubnetworks fused = members[0] switch
        {
            Mlp mlp => new FusedMlp(mlp, members.Count),
            SmallCnn cnn => new FusedSmallCnn(cnn, members.Count),
            ResNet18 resnet => new FusedResNet18(resnet, members.Count),
            WideResNet wrn => new FusedWideResNet(wrn, members.Count),
            SplitNetwork split => new FusedSplitNetwork(split, members.Count),
            _ => throw new InvalidOperationException("unreachable: WhyNotFusable accepted an unsupported family"),
        };
        fused.to(members[0].MaskedLayers[0].Weight.device);
        fused.CopyFrom(members);
        fused.train(members[0].training);
        return fused;
    }

    /// <summary>How the grouped convolutions compute (same outputs either way); setting it sets every <see cref="GroupedConv2d"/>.</summary>
    public ConvolutionFormulation Formulation
    {
        get => modules().OfType<GroupedConv2d>().FirstOrDefault()?.Formulation ?? ConvolutionFormulation.Grouped;
        set { foreach (var conv in modules().OfType<GroupedConv2d>()) conv.Formulation = value; }
    }

    /// <summary>True when the network has convolutions, i.e. when <see cref="Formulation"/> matters.</summary>
    public bool HasConvolutions => modules().OfType<GroupedConv2d>().Any();

    /// <summary>Copies every member's parameters and buffers into its slice of the fused network.</summary>
    public void CopyFrom(IReadOnlyList<PrunableModel> members) => Transfer(members, intoFused: true);

    /// <summary>Copies every member's slice of the fused network back into the thin member models.</summary>
    public void CopyInto(IReadOnlyList<PrunableModel> members) => Transfer(members, intoFused: false);

    void Transfer(IReadOnlyList<PrunableModel> members, bool intoFused)
    {
        if (members.Count != Members)
            throw new ArgumentException($"The fused network holds {Members} members; got {members.Count} models.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var states = members.Select(m => m.state_dict()).ToArray();
        foreach (var (name, fused) in state_dict())
        {
            for (int k = 0; k < Members; k++)
            {
                if (!states[k].TryGetValue(name, out var own))
                    throw new InvalidOperationException($"Member {k + 1} has no state '{name}'; it is not a member of this fused {Spec.Kind}.");
                if (name.EndsWith("num_batches_tracked"))
                {
                    // One counter for the fused BatchNorm; the members train in lockstep, so member 1's count stands for all.
                    if (intoFused && k == 0) fused.copy_(own.reshape(fused.shape));
                    else if (!intoFused) own.copy_(fused.reshape(own.shape));
                    continue;
                }
                var slice = fused.view(Members, -1)[k];
                if (slice.numel() != own.numel())
                    throw new InvalidOperationException($"State '{name}': member {k + 1} has {own.numel()} values, its fused slice {slice.numel()}.");
                if (intoFused) slice.copy_(own.reshape(-1));
                else own.copy_(slice.view(own.shape));
            }
        }
    }

    /// <summary>BatchNorm over the M * C member-major channels of M members of C channels each (eps 1e-5, momentum 0.1, as the members').</summary>
    public static PlainBatchNorm2d MemberBatchNorm(int members, int channels) => new((long)members * channels, eps: 1e-5, momentum: 0.1);

    /// <summary>The masked layer at <paramref name="path"/> of a thin member (its widths size the fused layer).</summary>
    protected static MaskedLayer LayerOf(PrunableModel member, string path) =>
        member.MaskedLayers.FirstOrDefault(l => l.Path == path)
        ?? throw new ArgumentException($"{member.Spec.Kind} member has no layer '{path}'; fused {member.Spec.Kind} expects the kit's {member.GetType().Name} layout.");

    /// <summary>The input as channels: a shared batch stays [batch, C, H, W]; per-member batches become member-major channel blocks.</summary>
    /// <param name="input">[batch, C, H, W] or [M, batch, C, H, W]</param>
    /// <returns>[batch, C, H, W] or [batch, M * C, H, W]</returns>
    protected Tensor MemberChannels(Tensor input) =>
        IsShared(input) ? input : input.transpose(0, 1).reshape(input.shape[1], Members * Channels, input.shape[3], input.shape[4]);

    /// <summary>Global average pooling of member-major channels, then every member's head on its own features.</summary>
    /// <param name="head">the grouped head</param>
    /// <param name="features">[batch, M * C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    protected Tensor PooledHead(GroupedLinear head, Tensor features)
    {
        var pooled = features.mean([2, 3]);
        return head.call(pooled.view(pooled.shape[0], Members, -1).transpose(0, 1));
    }

    /// <summary>Turns the input into per-member form: a shared batch stays [batch, ...], per-member batches are checked.</summary>
    /// <param name="input">[batch, C, H, W] or [M, batch, C, H, W]</param>
    /// <returns>true when the input is shared by every member</returns>
    protected bool IsShared(Tensor input)
    {
        if (input.dim() == 4) return true;
        if (input.dim() == 5 && input.shape[0] == Members) return false;
        throw new ArgumentException(
            $"{GetType().Name} expects [batch, {Channels}, {Height}, {Width}] (shared) or [{Members}, batch, {Channels}, {Height}, {Width}] (one batch per member); got [{string.Join(", ", input.shape)}].");
    }
}
