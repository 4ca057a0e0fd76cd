using System.Diagnostics;
using SubnetNotebooks.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>: per-epoch history, time spent in this process, and where it resumed.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochProgress> History, double Seconds, int ResumedFromEpoch);

/// <summary>
/// Trains one classifier with SGD + momentum + weight decay, a learning-rate schedule and optional
/// label smoothing. Reports progress per batch and per epoch, writes a checkpoint every epoch and
/// resumes from it, and stops with <see cref="TrainingDivergedException"/> on a NaN or infinite loss
/// (the last good checkpoint stays).
/// </summary>
public static class Trainer
{
    /// <summary>An SGD optimiser over the model's parameters with the options' momentum, Nesterov flag and weight decay.</summary>
    public static TorchSharp.Modules.SGD CreateOptimizer(nn.Module model, TrainingOptions options) =>
        optim.SGD(model.parameters(), options.LearningRate, options.Momentum, 0, options.WeightDecay, options.Nesterov && options.Momentum > 0);

    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">maps images [B, C, H, W] to logits [B, classes]; already on <paramref name="device"/></param>
    /// <param name="train">training batches (shuffled, seeded)</param>
    /// <param name="options">epochs, optimiser, schedule</param>
    /// <param name="device">where batches go</param>
    /// <param name="run">name used in progress events and errors</param>
    /// <param name="checkpointFolder">folder for last.ckpt (null: no checkpoints); an existing checkpoint is resumed</param>
    /// <param name="observer">progress receiver</param>
    /// <param name="validation">optional held-out batches evaluated after every epoch</param>
    /// <param name="cancellation">stops between batches</param>
    public static TrainingResult Fit(nn.Module<Tensor, Tensor> model, BatchIterator train, TrainingOptions options, Device device,
        string run = "model", string? checkpointFolder = null, ITrainingObserver? observer = null, BatchIterator? validation = null,
        CancellationToken cancellation = default)
    {
        options.Validate(run);
        using var optimizer = CreateOptimizer(model, options);
        var history = new List<EpochProgress>();
        int start = 0;
        if (Checkpoint.Exists(checkpointFolder))
        {
            var state = Checkpoint.Load(checkpointFolder!, model, optimizer);
            history.AddRange(state.History);
            start = state.EpochsDone;
        }
        var total = Stopwatch.StartNew();
        int batches = options.MaxBatchesPerEpoch > 0 ? Math.Min(options.MaxBatchesPerEpoch, train.BatchesPerEpoch) : train.BatchesPerEpoch;
        for (int epoch = start; epoch < options.Epochs; epoch++)
        {
            double lr = options.LearningRateAt(epoch);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            model.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0; long correct = 0, seen = 0;
            using (var batchesOfEpoch = train.Epoch(epoch, device).GetEnumerator())
            {
                for (int b = 0; b < batches; b++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    if (!batchesOfEpoch.MoveNext()) break;
                    var (x, y) = batchesOfEpoch.Current;
                    optimizer.zero_grad();
                    var (loss, logits) = model is ITrainingObjective objective ? objective.TrainingLoss(x, y, options.LabelSmoothing)
                        : CrossEntropy(model.call(x), y, options.LabelSmoothing);
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw new TrainingDivergedException(
                            $"{run}: the loss became {value} at epoch {epoch + 1}, batch {b + 1} (learning rate {lr:G4}). " +
                            (start < epoch || history.Count > 0 ? $"The checkpoint of epoch {history.Count} is kept. " : "") +
                            "Lower the learning rate (--set lr=...) or add warm-up (--set warmup=...).");
                    loss.backward();
                    optimizer.step();
                    int n = (int)y.shape[0];
                    lossSum += value * n;
                    correct += logits.argmax(1).eq(y).sum().item<long>();
                    seen += n;
                    observer?.OnBatch(new BatchProgress(run, epoch + 1, options.Epochs, b + 1, batches, lossSum / seen,
                        (double)correct / seen, lr, seen / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
                }
            }
            double seconds = clock.Elapsed.TotalSeconds;
            double? valLoss = null, valAcc = null;
            if (validation is not null)
            {
                var (l, a) = Evaluate(model, validation, device);
                valLoss = l; valAcc = a;
            }
            var progress = new EpochProgress(run, epoch + 1, options.Epochs, seen == 0 ? double.NaN : lossSum / seen,
                seen == 0 ? double.NaN : (double)correct / seen, valLoss, valAcc, lr, seconds, seen / Math.Max(1e-9, seconds));
            history.Add(progress);
            if (checkpointFolder is not null)
                Checkpoint.Save(checkpointFolder, model, optimizer, new Checkpoint.State(epoch + 1, history, ""));
            observer?.OnEpoch(progress);
        }
        return new TrainingResult(history, total.Elapsed.TotalSeconds, start);
    }

    static (Tensor Loss, Tensor Logits) CrossEntropy(Tensor logits, Tensor labels, double labelSmoothing) =>
        (nn.functional.cross_entropy(logits, labels, label_smoothing: labelSmoothing), logits);

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> in eval mode.</summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, BatchIterator data, Device device)
    {
        using var probs = PredictProbabilities(model, data, device);
        using var scope = NewDisposeScope();
        var labels = data.Data.Labels;
        var picked = probs.gather(1, labels.unsqueeze(1)).squeeze(1).clamp_min(1e-12f);
        double loss = -picked.log().mean().item<float>();
        double accuracy = probs.argmax(1).eq(labels).to_type(ScalarType.Float64).mean().item<double>();
        return (loss, accuracy);
    }

    /// <summary>Softmax outputs of <paramref name="model"/> over every sample, in order, on the CPU.</summary>
    /// <returns>float32 [N, classes]</returns>
    public static Tensor PredictProbabilities(nn.Module<Tensor, Tensor> model, BatchIterator data, Device device, bool keepTrainMode = false)
    {
        bool wasTraining = model.training;
        if (!keepTrainMode) model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var parts = new List<Tensor>();
            using (var batches = data.Epoch(0, device).GetEnumerator())
            {
                while (batches.MoveNext())
                    parts.Add(nn.functional.softmax(model.call(batches.Current.Images), 1).cpu());
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
