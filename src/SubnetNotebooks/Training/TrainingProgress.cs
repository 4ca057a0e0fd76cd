namespace SubnetNotebooks.Training;

/// <summary>Reported after every training batch.</summary>
/// <param name="Run">which model is training, e.g. "deep/2" or "subnet/member-1"</param>
public sealed record BatchProgress(string Run, int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double LearningRate, double ImagesPerSecond);

/// <summary>Reported after every epoch: training loss/accuracy (running means) and validation figures when a validation set is given.</summary>
public sealed record EpochProgress(string Run, int Epoch, int Epochs, double TrainLoss, double TrainAccuracy,
    double? ValidationLoss, double? ValidationAccuracy, double LearningRate, double Seconds, double ImagesPerSecond);

/// <summary>Receives training progress; notebooks (live charts) and the CLI (progress bars) implement it.</summary>
public interface ITrainingObserver
{
    void OnBatch(BatchProgress progress) { }
    void OnEpoch(EpochProgress progress) { }
}

/// <summary>An observer built from delegates.</summary>
public sealed class TrainingObserver(Action<BatchProgress>? onBatch = null, Action<EpochProgress>? onEpoch = null) : ITrainingObserver
{
    public void OnBatch(BatchProgress progress) => onBatch?.Invoke(progress);
    public void OnEpoch(EpochProgress progress) => onEpoch?.Invoke(progress);

    /// <summary>Forwards to every observer in order.</summary>
    public static ITrainingObserver Combine(params ITrainingObserver?[] observers)
    {
        var list = observers.OfType<ITrainingObserver>().ToArray();
        return new TrainingObserver(b => { foreach (var o in list) o.OnBatch(b); }, e => { foreach (var o in list) o.OnEpoch(e); });
    }
}

/// <summary>A training run stopped because the loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
