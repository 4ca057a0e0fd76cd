using SubnetNotebooks.Native;
using SubnetNotebooks.Data;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Ensembles;

/// <summary>The deterministic baseline: one network, M = 1.</summary>
/// <param name="method">method name, also the run and checkpoint name ("single"; MC dropout trains its network as "mcdropout")</param>
/// <param name="recipe">builds the network</param>
/// <param name="options">how it trains</param>
/// <param name="seed">seed of its initialisation and batch order</param>
/// <param name="dropout">dropout rate inside the network (0: none)</param>
public sealed class SingleModel(ModelRecipe recipe, TrainingOptions options, long seed, double dropout = 0, string method = "single") : IEnsemble
{
    PrunableModel? _model;
    TrainingResult? _run;

    /// <inheritdoc/>
    public string Method => method;
    /// <inheritdoc/>
    public int Members => 1;
    /// <summary>The trained network (after <see cref="Fit"/>).</summary>
    public PrunableModel Model => _model ?? throw new InvalidOperationException($"{method}: call Fit before using the model.");

    /// <inheritdoc/>
    public void Fit(EnsembleTrainingContext context)
    {
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until this call returns (Native/HeldTensors)
        _model?.Dispose();
        _model = recipe(seed, dropout);
        _model.to(context.Device);
        _run = Trainer.Fit(_model, context.Train, options, context.Device, Method, context.CheckpointFor(Method),
            context.Observer, context.Validation, context.Cancellation);
    }

    /// <inheritdoc/>
    public Tensor PredictMembers(BatchIterator data, Device device) => EnsembleExtensions.MemberProbabilities(PredictMemberLogits(data, device));

    /// <inheritdoc/>
    public Tensor PredictMemberLogits(BatchIterator data, Device device)
    {
        using var held = HeldTensors.Hold();
        using var logits = Trainer.PredictLogits(Model, data, device);
        return logits.unsqueeze(0).clone();
    }

    /// <inheritdoc/>
    public long Parameters => Model.ActiveParameters();
    /// <inheritdoc/>
    public long FlopsPerExample => Model.FlopsPerExample();
    /// <inheritdoc/>
    public IReadOnlyList<TrainingResult> TrainingRuns => _run is null ? [] : [_run];
    /// <summary>The run's examples x 3 x the network's forward FLOPs (dropout, where there is any, draws masks but keeps every product).</summary>
    public double? TrainingFlops => _run is null ? 0 : TrainingCost.Flops(_run, Model.FlopsPerExample());
    /// <inheritdoc/>
    public void Dispose() => _model?.Dispose();
}
