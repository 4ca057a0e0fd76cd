namespace SubnetNotebooks.Training;

/// <summary>Reported after every training batch.</summary>
/// <param name="Run">which model is training, e.g. "deep/2" or "subnet/member-1"</param>
/// <param name="Epoch">the epoch, from 1</param>
/// <param name="Epochs">epochs of the run</param>
/// <param name="Batch">the batch within the epoch, from 1</param>
/// <param name="Batches">batches of the epoch</param>
/// <param name="Loss">the batch's mean training loss</param>
/// <param name="Accuracy">the batch's training accuracy, 0 to 1</param>
/// <param name="LearningRate">the rate the batch trained with</param>
/// <param name="ImagesPerSecond">training throughput so far this epoch</param>
public sealed record BatchProgress(string Run, int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double LearningRate, double ImagesPerSecond);

/// <summary>Reported after every epoch: training loss/accuracy (running means) and validation figures when a validation set is given.</summary>
/// <param name="Run">which model is training, e.g. "deep/2"</param>
/// <param name="Epoch">the epoch just finished, from 1</param>
/// <param name="Epochs">the run's epochs</param>
/// <param name="TrainLoss">mean training loss over the epoch's examples</param>
/// <param name="TrainAccuracy">training accuracy over the epoch's examples</param>
/// <param name="ValidationLoss">loss on the validation batches, when evaluated</param>
/// <param name="ValidationAccuracy">accuracy on the validation batches, when evaluated</param>
/// <param name="LearningRate">the epoch's learning rate</param>
/// <param name="Seconds">wall time of the epoch's steps</param>
/// <param name="ImagesPerSecond">examples trained per second</param>
/// <param name="Examples">labelled examples the epoch's steps trained on, counted per step (fused members: every member's; 0 in
/// histories written before the count was kept, see <see cref="TrainingCost.Examples"/>)</param>
public sealed record EpochProgress(string Run, int Epoch, int Epochs, double TrainLoss, double TrainAccuracy,
    double? ValidationLoss, double? ValidationAccuracy, double LearningRate, double Seconds, double ImagesPerSecond, long Examples = 0);

/// <summary>Receives training progress; notebooks (live charts) and the CLI (progress bars) implement it.</summary>
public interface ITrainingObserver
{
    /// <summary>After every training batch. Does nothing by default.</summary>
    void OnBatch(BatchProgress progress) { }
    /// <summary>After every epoch, with validation figures when a validation set is given. Does nothing by default.</summary>
    void OnEpoch(EpochProgress progress) { }

    /// <summary>A run loaded from its checkpoint: the epochs it had already done (all of them for a finished run), before any new epoch.</summary>
    /// <param name="run">the run's name, as in its progress events</param>
    /// <param name="history">[epochs done] the stored per-epoch progress, epoch 1 first</param>
    void OnResume(string run, IReadOnlyList<EpochProgress> history) { }

    /// <summary>True when this observer wants validation figures every epoch (a live validation curve); training then evaluates the validation split after each epoch, outside the epoch's measured seconds.</summary>
    bool WantsValidation => false;
}

/// <summary>An observer built from delegates.</summary>
public sealed class TrainingObserver(Action<BatchProgress>? onBatch = null, Action<EpochProgress>? onEpoch = null,
    Action<string, IReadOnlyList<EpochProgress>>? onResume = null) : ITrainingObserver
{
    /// <inheritdoc/>
    public void OnBatch(BatchProgress progress) => onBatch?.Invoke(progress);
    /// <inheritdoc/>
    public void OnEpoch(EpochProgress progress) => onEpoch?.Invoke(progress);
    /// <inheritdoc/>
    public void OnResume(string run, IReadOnlyList<EpochProgress> history) => onResume?.Invoke(run, history);

    /// <summary>Forwards to every observer in order.</summary>
    public static ITrainingObserver Combine(params ITrainingObserver?[] observers)
    {
        var list = observers.OfType<ITrainingObserver>().ToArray();
        return new TrainingObserver(b => { foreach (var o in list) o.OnBatch(b); }, e => { foreach (var o in list) o.OnEpoch(e); },
            (run, history) => { foreach (var o in list) o.OnResume(run, history); });
    }
}

/// <summary>A training run stopped because the loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
