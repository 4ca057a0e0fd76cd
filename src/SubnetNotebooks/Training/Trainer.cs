using System.Diagnostics;
using SubnetNotebooks.Data;
using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>: per-epoch history, time spent in this process, and where it resumed.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochProgress> History, double Seconds, int ResumedFromEpoch);

/// <summary>
/// Trains one classifier with SGD + momentum + weight decay, a learning-rate schedule and optional
/// label smoothing. Reports progress per batch and per epoch, writes a checkpoint every epoch and
/// resumes from it, telling the observer the stored epochs (holding the run's <see cref="TrainingLock"/> so no other process writes it meanwhile), and stops with <see cref="TrainingDivergedException"/> on a NaN or infinite loss
/// (the last good checkpoint stays).
/// </summary>
public static class Trainer
{
    /// <summary>The kit's SGD (<see cref="Sgd"/>) over the model's parameters with the options' momentum, Nesterov flag and weight decay.</summary>
    public static Sgd CreateOptimizer(nn.Module model, TrainingOptions options) =>
        new(model.parameters(), options.LearningRate, options.Momentum, options.WeightDecay, options.Nesterov && options.Momentum > 0);

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
        CancellationToken cancellation = default) =>
        Run(model, train.BatchesPerEpoch, epoch => train.Epoch(epoch, device), options, run, checkpointFolder, observer, validation,
            device, cancellation);

    /// <summary>
    /// Trains M independent members fused in one module (e.g. <see cref="Models.FusedSubnetworks"/>) in place: every step
    /// gives member m its own batch from <paramref name="trains"/>[m] and minimises the SUM of the members' mean losses,
    /// so each member gets exactly the gradient it would get training alone; SGD's momentum and weight decay act on each
    /// parameter entry separately, so the run equals M independent runs. Progress reports the members' mean loss and
    /// accuracy; validation evaluates the ensemble (softmax averaged over members).
    /// </summary>
    /// <param name="model">maps per-member images [M, B, C, H, W] to logits [M, B, classes]; already on <paramref name="device"/></param>
    /// <param name="trains">one seeded batch order per member, all over data of the same size and batch size</param>
    /// <param name="options">epochs, optimiser, schedule (shared by the members)</param>
    /// <param name="device">where batches go</param>
    /// <param name="run">name used in progress events and errors</param>
    /// <param name="checkpointFolder">folder for last.ckpt (null: no checkpoints); an existing checkpoint is resumed</param>
    /// <param name="observer">progress receiver</param>
    /// <param name="validation">optional held-out batches evaluated after every epoch</param>
    /// <param name="cancellation">stops between batches</param>
    public static TrainingResult FitMembers(nn.Module<Tensor, Tensor> model, IReadOnlyList<BatchIterator> trains, TrainingOptions options,
        Device device, string run = "members", string? checkpointFolder = null, ITrainingObserver? observer = null,
        BatchIterator? validation = null, CancellationToken cancellation = default)
    {
        if (trains.Count == 0) throw new ArgumentException($"{run}: no member batch streams were given; pass one BatchIterator per member.");
        var sizes = trains.Select(t => (t.Data.Count, t.BatchSize, t.DropLast)).Distinct().ToArray();
        if (sizes.Length > 1)
            throw new ArgumentException(
                $"{run}: the member batch streams differ in (samples, batch size, drop last): {string.Join("; ", sizes)}. " +
                "Fused members step together, so give every member the same data size and batch size (only the order may differ).");
        return Run(model, trains[0].BatchesPerEpoch, epoch => MemberBatches(trains, epoch, device), options, run, checkpointFolder,
            observer, validation, device, cancellation);
    }

    /// <summary>One step of SGD on a batch: zero the gradients, forward, loss, backward, update.</summary>
    /// <param name="model">maps x to logits [B, classes], or [M, B, classes] for fused members</param>
    /// <param name="optimizer">the optimiser over the model's parameters</param>
    /// <param name="x">[B, C, H, W] images, or [M, B, C, H, W] per-member images</param>
    /// <param name="y">[B] labels, or [M, B] per-member labels</param>
    /// <param name="labelSmoothing">label smoothing of the cross-entropy</param>
    /// <returns>the mean loss (scalar; for fused members the mean of the members' mean losses) and the logits, in the caller's dispose scope</returns>
    public static (Tensor Loss, Tensor Logits) Step(nn.Module<Tensor, Tensor> model, Sgd optimizer, Tensor x, Tensor y,
        double labelSmoothing = 0)
    {
        optimizer.ZeroGrad();
        var (loss, logits, objective) = Forward(model, x, y, labelSmoothing);
        objective.backward();
        optimizer.Step();
        return (loss, logits);
    }

    /// <summary>Forward pass and loss; the objective is what backward runs on: the loss, or for M fused members the sum of their mean losses.</summary>
    static (Tensor Loss, Tensor Logits, Tensor Objective) Forward(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, double labelSmoothing)
    {
        if (model is ITrainingObjective custom)
        {
            var (customLoss, customLogits) = custom.TrainingLoss(x, y, labelSmoothing);
            return (customLoss, customLogits, custom.ObjectiveScale == 1 ? customLoss : customLoss.mul(OwnedScalars.Of(custom.ObjectiveScale)));
        }
        var logits = model.call(x);
        var classes = logits.shape[^1];
        var loss = nn.functional.cross_entropy(logits.reshape(-1, classes), y.reshape(-1), label_smoothing: labelSmoothing);
        // Fused members see batches of equal size, so the mean over M * B is (sum of member means) / M.
        long members = logits.dim() == 3 ? logits.shape[0] : 1;
        return (loss, logits, members == 1 ? loss : loss.mul(OwnedScalars.Of(members)));
    }

    static IEnumerable<(Tensor Images, Tensor Labels)> MemberBatches(IReadOnlyList<BatchIterator> trains, int epoch, Device device)
    {
        var streams = trains.Select(t => t.Epoch(epoch, device).GetEnumerator()).ToArray();
        try
        {
            while (streams.All(s => s.MoveNext()))
                yield return (stack(streams.Select(s => s.Current.Images).ToArray(), 0), stack(streams.Select(s => s.Current.Labels).ToArray(), 0));
        }
        finally
        {
            foreach (var s in streams) s.Dispose();
        }
    }

    static TrainingResult Run(nn.Module<Tensor, Tensor> model, int batchesPerEpoch, Func<int, IEnumerable<(Tensor Images, Tensor Labels)>> epochs,
        TrainingOptions options, string run, string? checkpointFolder, ITrainingObserver? observer, BatchIterator? validation, Device device,
        CancellationToken cancellation)
    {
        options.Validate(run);
        using var held = HeldTensors.Hold(); // every tensor made below stays reachable until the run returns (Native/HeldTensors)
        // One writer per training run: a second process on the same checkpoint folder waits here (or fails with --no-wait).
        using var writer = checkpointFolder is null ? null
            : TrainingLock.Acquire(System.IO.Path.Combine(checkpointFolder, TrainingLock.FileName), $"Training run {run}", cancellation: cancellation);
        using var optimizer = CreateOptimizer(model, options);
        var history = new List<EpochProgress>();
        int start = 0;
        if (Checkpoint.Exists(checkpointFolder))
        {
            var state = Checkpoint.Load(checkpointFolder!, model, optimizer);
            history.AddRange(state.History);
            start = state.EpochsDone;
            if (history.Count > 0) observer?.OnResume(run, history.ToArray());
        }
        else TrainingRandom.Seed(TrainingRandom.RunSeed(run));
        var total = Stopwatch.StartNew();
        int batches = options.MaxBatchesPerEpoch > 0 ? Math.Min(options.MaxBatchesPerEpoch, batchesPerEpoch) : batchesPerEpoch;
        for (int epoch = start; epoch < options.Epochs; epoch++)
        {
            // What an epoch makes outside its steps (its seed draw, validation, checkpoint) is disposed with it, so the hold
            // above does not grow with the number of epochs.
            using var epochScope = NewDisposeScope();
            double lr = options.LearningRateAt(epoch);
            TrainingRandom.SeedEpoch(device);
            optimizer.LearningRate = lr;
            model.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0; long correct = 0, seen = 0;
            using (var batchesOfEpoch = epochs(epoch).GetEnumerator())
            {
                for (int b = 0; b < batches; b++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    if (!batchesOfEpoch.MoveNext()) break;
                    var (x, y) = batchesOfEpoch.Current;
                    optimizer.ZeroGrad();
                    var (loss, logits, objective) = Forward(model, x, y, options.LabelSmoothing);
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw new TrainingDivergedException(
                            $"{run}: the loss became {value} at epoch {epoch + 1}, batch {b + 1} (learning rate {lr:G4}). " +
                            (start < epoch || history.Count > 0 ? $"The checkpoint of epoch {history.Count} is kept. " : "") +
                            "Lower the learning rate (--set lr=...) or add warm-up (--set warmup=...).");
                    objective.backward();
                    optimizer.Step();
                    int n = (int)y.numel();
                    lossSum += value * n;
                    correct += logits.argmax(-1).eq(y).sum().item<long>();
                    seen += n;
                    observer?.OnBatch(new BatchProgress(run, epoch + 1, options.Epochs, b + 1, batches, lossSum / seen,
                        (double)correct / seen, lr, seen / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
                }
            }
            double seconds = clock.Elapsed.TotalSeconds;
            double? valLoss = null, valAcc = null;
            if (validation is not null)
            {
                // Test-time dropout draws from the training generator: restore it, so validating leaves training unchanged.
                var generator = TrainingRandom.State();
                var (l, a) = Evaluate(model, validation, device);
                TrainingRandom.Restore(generator);
                valLoss = l; valAcc = a;
            }
            var progress = new EpochProgress(run, epoch + 1, options.Epochs, seen == 0 ? double.NaN : lossSum / seen,
                seen == 0 ? double.NaN : (double)correct / seen, valLoss, valAcc, lr, seconds, seen / Math.Max(1e-9, seconds), seen);
            history.Add(progress);
            if (checkpointFolder is not null)
                Checkpoint.Save(checkpointFolder, model, optimizer, new Checkpoint.State(epoch + 1, history, ""));
            observer?.OnEpoch(progress);
        }
        return new TrainingResult(history, total.Elapsed.TotalSeconds, start);
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> in eval mode.</summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, BatchIterator data, Device device)
    {
        using var probs = PredictProbabilities(model, data, device);
        using var scope = NewDisposeScope();
        var labels = data.Data.Labels;
        var picked = probs.gather(1, labels.unsqueeze(1)).squeeze(1).clamp_min(OwnedScalars.Of(1e-12f));
        double loss = -picked.log().mean().item<float>();
        double accuracy = probs.argmax(1).eq(labels).to_type(ScalarType.Float64).mean().item<double>();
        return (loss, accuracy);
    }

    /// <summary>Softmax outputs of <paramref name="model"/> over every sample, in order, on the CPU (for fused members, whose logits are [M, B, classes], the ensemble's: the mean over members).</summary>
    /// <returns>float32 [N, classes]</returns>
    public static Tensor PredictProbabilities(nn.Module<Tensor, Tensor> model, BatchIterator data, Device device, bool keepTrainMode = false) =>
        PredictBatches(model, data, device, x =>
        {
            var probs = nn.functional.softmax(model.call(x), -1);
            return probs.dim() == 3 ? probs.mean([0]) : probs;
        }, concatDim: 0, keepTrainMode);

    /// <summary>Logits of <paramref name="model"/> (one output per sample) over every sample, in order, on the CPU.</summary>
    /// <returns>float32 [N, classes]</returns>
    public static Tensor PredictLogits(nn.Module<Tensor, Tensor> model, BatchIterator data, Device device, bool keepTrainMode = false) =>
        PredictBatches(model, data, device, x => model.call(x), concatDim: 0, keepTrainMode);

    /// <summary>
    /// Runs <paramref name="predict"/> on every evaluation batch of <paramref name="data"/> with gradients off and the
    /// model in eval mode (unless <paramref name="keepTrainMode"/>), and concatenates its CPU outputs along <paramref name="concatDim"/>.
    /// </summary>
    /// <param name="predict">maps images [B, C, H, W] to an output whose dimension <paramref name="concatDim"/> is the batch</param>
    /// <param name="model">the network (its mode is restored afterwards)</param>
    /// <param name="data">evaluation batches, in order</param>
    /// <param name="device">where the batches go before <paramref name="predict"/></param>
    /// <param name="concatDim">the batch dimension of the outputs</param>
    /// <param name="keepTrainMode">leave the model in train mode (MC dropout's sampling)</param>
    public static Tensor PredictBatches(nn.Module model, BatchIterator data, Device device, Func<Tensor, Tensor> predict, long concatDim, bool keepTrainMode = false)
    {
        bool wasTraining = model.training;
        if (!keepTrainMode) model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var parts = new List<Tensor>();
            using (var batches = data.Epoch(0, device).GetEnumerator())
                while (batches.MoveNext())
                    parts.Add(predict(batches.Current.Images).cpu());
            return cat(parts, concatDim).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
