using SubnetNotebooks.Native;
using SubnetNotebooks.Models.Custom;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// M compacted subnetworks of one architecture run as ONE grouped (block-diagonal) network, derived from the member
/// model itself: a fresh copy of the member is built at the members' widths and each of its masked layers is swapped, at
/// the same place, for the grouped equivalent: a convolution for a <see cref="GroupedConv2d"/> (groups = M), a linear
/// layer for a <see cref="MemberMajorLinear"/> (batched matmul over weights [M, out, in]), a BatchNorm for one over
/// M * C channels (<see cref="MemberBatchNorm"/>); its dropout stays. The member's own forward pass then runs every
/// member at once on member-major channels. Every parameter is member-major (its leading dimension is M times the
/// member's), member m's outputs depend only on member m's inputs and parameters, so a training step of the fused
/// network is M independent training steps done in one pass. Parameter names equal the members' (e.g. "fc1.weight",
/// "stage1_0.bn2.running_var"), so weights move between the fused network and the thin members with
/// <see cref="CopyFrom"/> and <see cref="CopyInto"/>.
/// Input: [batch, C, H, W] shared by every member, or [M, batch, C, H, W] one batch per member; output: [M, batch, classes].
/// </summary>
public sealed class FusedSubnetworks : nn.Module<Tensor, Tensor>
{
    /// <summary>Holds the rebuilt member's network outside TorchSharp's registry (its children are registered on this module).</summary>
    sealed class Root(nn.Module<Tensor, Tensor> module)
    {
        public nn.Module<Tensor, Tensor> Module { get; } = module;
    }

    readonly Root _network;

    /// <summary>Builds the fused network of <paramref name="members"/> copies of <paramref name="first"/>'s architecture and widths (zero weights).</summary>
    FusedSubnetworks(PrunableModel first, int members) : base(nameof(FusedSubnetworks))
    {
        Members = members;
        Classes = first.Classes;
        Channels = first.Channels;
        Height = first.Height;
        Width = first.Width;
        Spec = first.Spec;
        GroupWidths = first.UnitGroups.ToDictionary(g => g.Name, g => g.Units);
        // The copy's layers draw initial weights that are dropped; the global generator is put back, so fusing draws nothing.
        PrunableModel copy;
        using (var rng = Generator.Default.get_state())
        {
            copy = first.WithWidths(GroupWidths);
            Generator.Default.set_state(rng);
        }
        var network = copy.Network;
        _network = new Root(network);
        var byPath = ModuleSurgery.ModulesByPath(network);
        foreach (var layer in copy.MaskedLayers)
        {
            ModuleSurgery.ReplaceAt(byPath, layer.Path, Grouped(layer, members));
            layer.Dispose();
        }
        foreach (var (name, child) in network.named_children()) register_module(name, child);
    }

    /// <summary>The grouped layer of M members that stands for <paramref name="layer"/> of one member (zero weights).</summary>
    static nn.Module Grouped(MaskedLayer layer, int members) => layer switch
    {
        MaskedConv2d conv => new GroupedConv2d(members, conv.InputUnits, conv.OutputUnits, conv.Kernel, conv.Stride, conv.Padding),
        MaskedLinear linear => new MemberMajorLinear(members, linear.InputUnits, linear.OutputUnits, linear.Bias is not null),
        MaskedBatchNorm2d norm => MemberBatchNorm(members, norm.OutputUnits),
        _ => throw new InvalidOperationException($"Layer '{layer.Path}' is a {layer.GetType().Name}, which the fused network has no grouped form of."),
    };

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
    /// Why <paramref name="members"/> cannot be fused, or null when they can: they must be unmasked thin models of one
    /// architecture (any kit model or split network whose convolutions have no bias) with identical group widths (an even
    /// split, e.g. widths divisible by M).
    /// </summary>
    public static string? WhyNotFusable(IReadOnlyList<PrunableModel> members)
    {
        if (members.Count == 0) return "there are no members";
        var first = members[0];
        if (first.MaskedLayers.OfType<MaskedConv2d>().FirstOrDefault(c => c.Bias is not null) is { } biased)
            return $"convolution '{biased.Path}' has a bias, which the fused grouped convolution does not hold (build it with bias: false before a BatchNorm)";
        foreach (var m in members)
        {
            if (m.GetType() != first.GetType() || m.Spec.Kind != first.Spec.Kind) return "the members are of different families";
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
        using var held = HeldTensors.Hold();
        var why = WhyNotFusable(members);
        if (why is not null)
            throw new ArgumentException($"Cannot fuse {members.Count} subnetworks: {why}. Use execution 'compact' (--set execution=compact).");
        var fused = new FusedSubnetworks(members[0], members.Count);
        fused.to(members[0].MaskedLayers[0].Weight.device);
        fused.CopyFrom(members);
        fused.train(members[0].training);
        return fused;
    }

    /// <summary>Sets the rebuilt member network's mode too (its forward may read it).</summary>
    /// <param name="train">true: training mode</param>
    public override void train(bool train = true)
    {
        _network.Module.train(train);
        base.train(train);
    }

    /// <summary>Computes every member's logits.</summary>
    /// <param name="input">[batch, C, H, W] shared by every member, or [M, batch, C, H, W]</param>
    /// <returns>[M, batch, classes] logits</returns>
    public override Tensor forward(Tensor input)
    {
        var logits = _network.Module.call(MemberChannels(input));
        return logits.view(logits.shape[0], Members, Classes).transpose(0, 1);
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

    /// <summary>The input as channels: a shared batch stays [batch, C, H, W]; per-member batches become member-major channel blocks.</summary>
    /// <param name="input">[batch, C, H, W] or [M, batch, C, H, W]</param>
    /// <returns>[batch, C, H, W] or [batch, M * C, H, W]</returns>
    Tensor MemberChannels(Tensor input) =>
        IsShared(input) ? input : input.transpose(0, 1).reshape(input.shape[1], Members * Channels, input.shape[3], input.shape[4]);

    /// <summary>Turns the input into per-member form: a shared batch stays [batch, ...], per-member batches are checked.</summary>
    /// <param name="input">[batch, C, H, W] or [M, batch, C, H, W]</param>
    /// <returns>true when the input is shared by every member</returns>
    bool IsShared(Tensor input)
    {
        if (input.dim() == 4) return true;
        if (input.dim() == 5 && input.shape[0] == Members) return false;
        throw new ArgumentException(
            $"{GetType().Name} expects [batch, {Channels}, {Height}, {Width}] (shared) or [{Members}, batch, {Channels}, {Height}, {Width}] (one batch per member); got [{string.Join(", ", input.shape)}].");
    }
}
