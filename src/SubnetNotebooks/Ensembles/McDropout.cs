using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// Gal and Ghahramani 2016: one network trained with dropout rate p; at test time only the dropout
/// layers stay stochastic and M forward passes with different random masks are the members.
/// </summary>
public sealed class McDropout(ModelRecipe recipe, TrainingOptions options, int passes, long seed, double dropout) : IEnsemble
{
    readonly SingleModel _network = new(recipe, options, seed, dropout, "mcdropout");

    /// <inheritdoc/>
    public string Method => _network.Method;
    /// <inheritdoc/>
    public int Members => passes;
    /// <summary>Dropout rate p of the network, in (0, 1): in training and in each of the M test-time passes.</summary>
    public double DropoutRate => dropout;
    /// <summary>The trained dropout network.</summary>
    public PrunableModel Model => _network.Model;

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        if (dropout <= 0) throw new ArgumentException("mcdropout needs a dropout rate above 0 (--set dropout=0.2).");
        _network.Fit(context);
    }

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => EnsembleExtensions.MemberProbabilities(PredictMemberLogits(data, device));

    /// <summary>M stochastic passes (seeded, so repeatable): only dropout is random, BatchNorm uses its running statistics.</summary>
    public Tensor PredictMemberLogits(BatchIterator data, Device device)
    {
        using var held = HeldTensors.Hold();
        var model = Model;
        model.eval();
        model.SetTestTimeDropout(true);
        var trainingState = TrainingRandom.State();
        try
        {
            TrainingRandom.Seed(seed + 17); // dropout masks come from the training generator

            using var scope = NewDisposeScope();
            var members = Enumerable.Range(0, passes).Select(_ => Trainer.PredictLogits(model, data, device, keepTrainMode: true)).ToArray();
            return stack(members, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            TrainingRandom.Restore(trainingState);
            model.SetTestTimeDropout(false);
        }
    }

    /// <inheritdoc/>
    public long Parameters => _network.Parameters;
    /// <inheritdoc/>
    public long FlopsPerExample => _network.FlopsPerExample * passes;
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _network.TrainingRuns;
    /// <inheritdoc/>
    public double? TrainingFlops => _network.TrainingFlops;
    /// <inheritdoc/>
    public void Dispose() => _network.Dispose();
}
