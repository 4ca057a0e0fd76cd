using SubnetNotebooks.Training;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Models;

/// <summary>
/// MIMO (Havasi et al. 2021): one network with M inputs and M heads; its input is the M member images concatenated
/// along channels ([B, M·C, H, W]) and its logits are M blocks of the class logits ([B, M·K]). In training each member
/// sees its own shuffle of the batch (with probability <see cref="InputRepetition"/> an example is the same for all
/// members), the batch is repeated <see cref="BatchRepetition"/> times, and the loss is the sum over members of their
/// mean cross-entropy; at test time every input gets the same image.
/// </summary>
public sealed class MimoNetwork : EnsembleNetwork, ITrainingObjective
{
    readonly PrunableModel model;

    /// <summary>Wraps <paramref name="inner"/> (which this network owns), a model built for M·C channels and M·K classes.</summary>
    /// <param name="inner">the shared body with <paramref name="members"/> times the image channels and classes</param>
    /// <param name="members">M</param>
    /// <param name="inputRepetition">ρ in [0, 1]: share of each training batch that every member sees in the same order</param>
    /// <param name="batchRepetition">how many times each training batch is repeated (each repetition shuffled anew)</param>
    public MimoNetwork(PrunableModel inner, int members, double inputRepetition = 0, int batchRepetition = 1)
        : base(nameof(MimoNetwork), members)
    {
        if (inner.Channels % members != 0 || inner.Classes % members != 0)
            throw new ArgumentException($"MIMO body has {inner.Channels} input channels and {inner.Classes} outputs; both must be multiples of M = {members}. Build it with MimoNetwork.Create.");
        if (inputRepetition is < 0 or > 1 || double.IsNaN(inputRepetition))
            throw new ArgumentOutOfRangeException(nameof(inputRepetition), inputRepetition, "MIMO input repetition must lie in [0, 1] (--set mimoInputRepetition=0.5).");
        if (batchRepetition < 1)
            throw new ArgumentOutOfRangeException(nameof(batchRepetition), batchRepetition, "MIMO batch repetition must be at least 1 (--set mimoBatchRepetition=2).");
        model = inner;
        InputRepetition = inputRepetition;
        BatchRepetition = batchRepetition;
        register_module("body", inner);
    }

    /// <summary>A MIMO network whose body is a freshly initialised <paramref name="spec"/> model for M·<paramref name="channels"/> channels and M·<paramref name="classes"/> classes (draws from torch's global generator).</summary>
    public static MimoNetwork Create(ModelSpec spec, int channels, int height, int width, int classes, int members,
        double inputRepetition = 0, int batchRepetition = 1) =>
        new(ModelFactory.Create(spec, channels * members, height, width, classes * members), members, inputRepetition, batchRepetition);

    /// <summary>ρ: share of each training batch that all members see in the same order.</summary>
    public double InputRepetition { get; }
    /// <summary>How many times each training batch is repeated.</summary>
    public int BatchRepetition { get; }
    /// <summary>The shared body ([B, M·C, H, W] to [B, M·K]).</summary>
    public PrunableModel Body => model;
    /// <summary>Classes per member.</summary>
    public int Classes => model.Classes / Members;

    /// <summary>Every input gets the same image.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <returns>[M, B, classes]</returns>
    public override Tensor MemberLogits(Tensor images) =>
        model.call(images.repeat(1, Members, 1, 1)).reshape(images.shape[0], Members, Classes).permute(1, 0, 2);

    /// <summary>The MIMO loss: sum over members of the cross-entropy of head m on the examples fed to input m.</summary>
    /// <param name="images">[B, C, H, W]</param>
    /// <param name="labels">[B] class indices</param>
    /// <param name="labelSmoothing">label smoothing</param>
    /// <returns>the loss and [B, classes] mean member log-probabilities of each example, for the training accuracy</returns>
    public (Tensor Loss, Tensor Logits) TrainingLoss(Tensor images, Tensor labels, double labelSmoothing)
    {
        long b = images.shape[0], rows = b * BatchRepetition;
        var device = images.device;
        var main = TrainingRandom.Permutation(rows, device).remainder(OwnedScalars.Of(b));
        long shuffled = (long)(rows * (1 - InputRepetition));
        var indices = Enumerable.Range(0, Members).Select(_ => shuffled == 0 ? main
            : cat([main.narrow(0, 0, shuffled).index_select(0, TrainingRandom.Permutation(shuffled, device)), main.narrow(0, shuffled, rows - shuffled)], 0)).ToArray();
        var logits = model.call(cat(indices.Select(i => images.index_select(0, i)).ToArray(), 1)).reshape(rows, Members, Classes);
        Tensor? loss = null;
        var aligned = zeros([b, Classes], device: device);
        for (int m = 0; m < Members; m++)
        {
            var head = logits.select(1, m);
            var term = nn.functional.cross_entropy(head, labels.index_select(0, indices[m]), label_smoothing: labelSmoothing);
            loss = loss is null ? term : loss.add(term, OwnedScalars.One);
            aligned.index_add_(0, indices[m], head.detach().log_softmax(1), OwnedScalars.One);
        }
        return (loss!, aligned.div(OwnedScalars.Of(Members * BatchRepetition)));
    }

    /// <summary>Parameters of the body (one network for all members).</summary>
    public override long Parameters => model.ActiveParameters();
    /// <summary>One pass of the body predicts all M members.</summary>
    public override long FlopsPerExample => model.FlopsPerExample();

    /// <summary>One pass of the network for each of the <see cref="BatchRepetition"/> rows an example gives in training.</summary>
    public override double TrainingFlopsPerExample => (double)FlopsPerExample * BatchRepetition;
}
