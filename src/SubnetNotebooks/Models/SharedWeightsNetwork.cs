using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// M members that run through one <see cref="PrunableModel"/> and differ per example by something the subclass
/// applies inside its layers (fast weights, channel masks). Each example of a batch belongs to one member: at training
/// time the batch is split into M contiguous parts, one per member; at test time the batch is tiled M times so that
/// every member sees every example.
/// </summary>
public abstract class SharedWeightsNetwork : EnsembleNetwork
{
    readonly PrunableModel model;

    /// <summary>Wraps <paramref name="shared"/>, which this network owns from now on.</summary>
    protected SharedWeightsNetwork(string name, PrunableModel shared, int members) : base(name, members)
    {
        model = shared;
    }

    /// <summary>The shared network.</summary>
    public PrunableModel Shared => model;

    /// <summary>Classes of the shared network.</summary>
    public int Classes => model.Classes;

    /// <summary>Member of each example of the batch now running through <see cref="Shared"/>: [B'] int64, or null outside a forward pass of this network.</summary>
    protected Tensor? Member { get; private set; }

    /// <summary>Each example's row of a per-member table, shaped to broadcast against <paramref name="like"/>.</summary>
    /// <param name="table">[M, units]</param>
    /// <param name="like">[B', units] or [B', units, H, W]</param>
    /// <returns>[B', units] or [B', units, 1, 1]</returns>
    protected Tensor PerExample(Tensor table, Tensor like)
    {
        var rows = table.index_select(0, Member!);
        return like.dim() == 2 ? rows : rows.reshape([rows.shape[0], rows.shape[1], .. Enumerable.Repeat(1L, (int)like.dim() - 2)]);
    }

    /// <summary>One pass of the dense shared network: in training each example goes through its own member only, and the
    /// member's fast weights or mask act on the dense products.</summary>
    public override double TrainingFlopsPerExample => model.FlopsPerExample(null);

    /// <summary>Every member on every image: the batch tiled M times.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[M, B, classes]</returns>
    public override Tensor MemberLogits(Tensor images)
    {
        long b = images.shape[0];
        var tiled = images.repeat([Members, .. Enumerable.Repeat(1L, (int)images.dim() - 1)]);
        using var member = OwnedScalars.Arange(Members, images.device).repeat_interleave(b);
        return Run(tiled, member).reshape(Members, b, -1);
    }

    /// <summary>The batch split into M parts, part k through member k.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[B, classes]</returns>
    protected override Tensor TrainingLogits(Tensor images)
    {
        using var member = BatchSplit(images.shape[0], Members, images.device);
        return Run(images, member);
    }

    Tensor Run(Tensor images, Tensor member)
    {
        Member = member;
        try { return model.call(images); }
        finally { Member = null; }
    }
}
