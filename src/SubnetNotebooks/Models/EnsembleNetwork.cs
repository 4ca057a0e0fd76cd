using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// One network that holds M ensemble members (BatchEnsemble, MIMO, Masksembles, Packed-Ensembles). In evaluation mode
/// forward returns the ensemble's logits, log of the mean member softmax [B, classes], so softmax(forward(x)) is the
/// ensemble prediction; in training mode it returns what the method trains on (see <see cref="TrainingLogits"/>).
/// </summary>
public abstract class EnsembleNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Records the member count; subclasses build layers and call RegisterComponents.</summary>
    protected EnsembleNetwork(string name, int members) : base(name)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, $"{name} needs at least 1 member; use M = 2 to 8 (--set members=4).");
        Members = members;
    }

    /// <summary>M, the number of members.</summary>
    public int Members { get; }

    /// <summary>Logits of every member for every image, each member seeing every image.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[M, B, classes]</returns>
    public abstract Tensor MemberLogits(Tensor images);

    /// <summary>Stored parameters of the whole network (all members).</summary>
    public abstract long Parameters { get; }

    /// <summary>Floating-point operations to predict one example with all members (2 x multiply-adds of linear and convolution layers).</summary>
    public abstract long FlopsPerExample { get; }

    /// <summary>
    /// Floating-point operations the forward pass of one example through all members actually computes: the same as
    /// <see cref="FlopsPerExample"/> unless masked units still take part in dense products (see <see cref="MaskedMembersNetwork"/>).
    /// </summary>
    public virtual long ExecutedFlopsPerExample => FlopsPerExample;

    /// <summary>
    /// Forward floating-point operations that one training example costs as this network trains (a training step costs 3 x
    /// that: <see cref="Training.TrainingCost"/>): by default every member on every example, <see cref="ExecutedFlopsPerExample"/>.
    /// </summary>
    public virtual double TrainingFlopsPerExample => ExecutedFlopsPerExample;

    /// <summary>Training-mode output, aligned with the batch's labels; by default the ensemble logits.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[B, classes]</returns>
    protected virtual Tensor TrainingLogits(Tensor images) => EnsembleLogits(MemberLogits(images));

    /// <summary>Ensemble logits (evaluation) or the method's training logits (training).</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[B, classes]</returns>
    public override Tensor forward(Tensor images) => training ? TrainingLogits(images) : EnsembleLogits(MemberLogits(images));

    /// <summary>log(mean over members of softmax): the logits whose softmax is the ensemble's averaged prediction.</summary>
    /// <param name="memberLogits">[M, B, classes]</param>
    /// <returns>[B, classes]</returns>
    public static Tensor EnsembleLogits(Tensor memberLogits) =>
        memberLogits.log_softmax(2).logsumexp(0).sub(OwnedScalars.Of(Math.Log(memberLogits.shape[0])));

    /// <summary>The member of each example when a batch is split into M contiguous, nearly equal parts (example i goes to floor(i M / B)).</summary>
    /// <returns>[batch] int64 member indices</returns>
    public static Tensor BatchSplit(long batch, int members, Device device) =>
        OwnedScalars.Arange(batch, device).mul(OwnedScalars.Of(members)).div(OwnedScalars.Of(batch), RoundingMode.floor);
}
