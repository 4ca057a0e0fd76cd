using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>
/// Lakshminarayanan et al. 2017: M full networks trained independently from different random
/// initialisations (and batch orders); the accuracy and calibration the paper aims to match.
/// </summary>
/// <param name="method">method name, also the checkpoint prefix ("deep"; the equal-budget rows train as "deep-budget")</param>
/// <param name="recipe">builds each member network</param>
/// <param name="options">how each member trains</param>
/// <param name="members">M, the number of networks</param>
/// <param name="seed">run seed; each member's seed is <see cref="MemberSeed"/></param>
/// <param name="dropout">dropout rate inside each member (0: none)</param>
public sealed class DeepEnsemble(ModelRecipe recipe, TrainingOptions options, int members, long seed, double dropout = 0, string method = "deep") : IEnsemble
{
    readonly List<PrunableModel> _models = [];
    readonly List<TrainingResult> _runs = [];

    /// <inheritdoc/>
    public string Method => method;
    /// <inheritdoc/>
    public int Members => members;
    /// <summary>The trained members.</summary>
    public IReadOnlyList<PrunableModel> Models => _models;

    /// <summary>Seed of member <paramref name="k"/> (0-based): distinct for every member and every run seed.</summary>
    public static long MemberSeed(long seed, int k) => seed * 7919 + 101 * (k + 1);

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        Dispose();
        for (int k = 0; k < members; k++)
        {
            var model = recipe(MemberSeed(seed, k), dropout);
            model.to(context.Device);
            _models.Add(model);
            var run = $"{Method}/{k + 1}";
            var train = new BatchIterator(context.Train.Data, context.Train.BatchSize, context.Train.Normalization, shuffle: true,
                seed: MemberSeed(seed, k), augment: context.Train.Augment, dropLast: context.Train.DropLast, pipeline: context.Train.Pipeline);
            _runs.Add(Trainer.Fit(model, train, options, context.Device, run, context.CheckpointFor(run), context.Observer,
                context.Validation, context.Cancellation));
        }
    }

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => EnsembleExtensions.MemberProbabilities(PredictMemberLogits(data, device));

    /// <inheritdoc/>
    public Tensor PredictMemberLogits(BatchIterator data, Device device)
    {
        if (_models.Count == 0) throw new InvalidOperationException($"{method}: call Fit before predicting.");
        using var held = HeldTensors.Hold();
        using var scope = NewDisposeScope();
        return stack(_models.Select(m => Trainer.PredictLogits(m, data, device)).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public long Parameters => _models.Sum(m => m.ActiveParameters());
    /// <inheritdoc/>
    public long FlopsPerExample => _models.Sum(m => m.FlopsPerExample());
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _runs.ToArray();
    /// <inheritdoc/>
    public double? TrainingFlops => _runs.Select((r, k) => TrainingCost.Flops(r, _models[k].FlopsPerExample())).Sum();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var m in _models) m.Dispose();
        _models.Clear();
        _runs.Clear();
    }
}
