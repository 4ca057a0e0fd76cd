using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// An ensemble whose M members live in one <see cref="EnsembleNetwork"/> and train together in one run of
/// <see cref="Trainer.Fit"/> (checkpoint folder: the method's name). Subclasses say how the network is built.
/// </summary>
public abstract class JointEnsemble(TrainingOptions options, int members, long seed) : IEnsemble
{
    EnsembleNetwork? _network;
    TrainingResult? _run;

    /// <inheritdoc/>
    public abstract string Method { get; }
    /// <inheritdoc/>
    public int Members => members;
    /// <summary>The seed of the network's initial weights (and of its fixed masks or fast-weight signs).</summary>
    public long Seed => seed;
    /// <summary>The trained network (after <see cref="Fit"/>).</summary>
    public EnsembleNetwork Network => _network ?? throw new InvalidOperationException($"{Method}: call Fit before using the network.");

    /// <summary>Builds the untrained network; torch's global generator is seeded with <see cref="Seed"/> just before.</summary>
    protected abstract EnsembleNetwork Build();

    /// <summary>A freshly initialised network exactly as <see cref="Fit"/> starts from (the caller owns it).</summary>
    public EnsembleNetwork CreateNetwork()
    {
        using var held = HeldTensors.Hold();
        manual_seed(seed);
        var network = Build();
        if (network.Members != members)
            throw new InvalidOperationException($"{Method}: the network has {network.Members} members; the ensemble was configured for {members}.");
        return network;
    }

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        _network?.Dispose();
        _network = CreateNetwork();
        _network.to(context.Device);
        _run = Trainer.Fit(_network, context.Train, options, context.Device, Method, context.CheckpointFor(Method),
            context.Observer, context.Validation, context.Cancellation);
    }

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => PredictMembers(Network, data, device);

    /// <inheritdoc/>
    public Tensor PredictMemberLogits(BatchIterator data, Device device) => PredictMemberLogits(Network, data, device);

    /// <summary>Member softmax outputs of <paramref name="network"/> over <paramref name="data"/> in evaluation mode, in order.</summary>
    /// <returns>float32 [M, N, C] on the CPU</returns>
    public static Tensor PredictMembers(EnsembleNetwork network, BatchIterator data, Device device) =>
        EnsembleExtensions.MemberProbabilities(PredictMemberLogits(network, data, device));

    /// <summary>Member logits of <paramref name="network"/> over <paramref name="data"/> in evaluation mode, in order.</summary>
    /// <returns>float32 [M, N, C] on the CPU</returns>
    public static Tensor PredictMemberLogits(EnsembleNetwork network, BatchIterator data, Device device)
    {
        using var held = HeldTensors.Hold();
        return Trainer.PredictBatches(network, data, device, x => network.MemberLogits(x), concatDim: 1);
    }

    /// <inheritdoc/>
    public long Parameters => Network.Parameters;
    /// <inheritdoc/>
    public long FlopsPerExample => Network.FlopsPerExample;
    /// <inheritdoc/>
    public long ExecutedFlopsPerExample => Network.ExecutedFlopsPerExample;
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _run is null ? [] : [_run];
    /// <inheritdoc/>
    public double? TrainingFlops => _run is null ? 0 : TrainingCost.Flops(_run, Network.TrainingFlopsPerExample);

    /// <inheritdoc/>
    public void Dispose()
    {
        _network?.Dispose();
        _network = null;
        GC.SuppressFinalize(this);
    }
}
