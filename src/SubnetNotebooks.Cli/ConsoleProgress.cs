using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;
using Spectre.Console;

namespace SubnetNotebooks.Cli;

/// <summary>
/// Shows experiment progress: a Spectre progress bar per training run on an interactive terminal,
/// one line per epoch and stage otherwise (CI logs).
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/> with an observer that draws its progress.</summary>
    public static T Run<T>(Func<IExperimentObserver, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return work(new LineObserver());
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = work(new BarObserver(ctx)));
        return result;
    }

    sealed class BarObserver(ProgressContext ctx) : IExperimentObserver
    {
        readonly Dictionary<string, ProgressTask> _tasks = [];

        ProgressTask TaskFor(string run, double total)
        {
            if (!_tasks.TryGetValue(run, out var task))
                _tasks[run] = task = ctx.AddTask(Markup.Escape(run), maxValue: Math.Max(1, total));
            return task;
        }

        public void OnBatch(BatchProgress p)
        {
            var task = TaskFor(p.Run, (double)p.Epochs * p.Batches);
            task.Value = (double)(p.Epoch - 1) * p.Batches + p.Batch;
            task.Description = Markup.Escape($"{p.Run} epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} acc {p.Accuracy:P1} {p.ImagesPerSecond:F0} img/s");
        }

        public void OnEpoch(EpochProgress p)
        {
            if (p.Epoch == p.Epochs && _tasks.TryGetValue(p.Run, out var task)) task.Value = task.MaxValue;
        }

        public void OnStage(string stage, string detail) => ctx.Refresh();
    }

    sealed class LineObserver : IExperimentObserver
    {
        public void OnEpoch(EpochProgress p) =>
            Console.WriteLine($"  {p.Run,-14} epoch {p.Epoch,3}/{p.Epochs,-3} loss {p.TrainLoss:F4} acc {p.TrainAccuracy:P2}" +
                (p.ValidationAccuracy is { } v ? $" val-acc {v:P2}" : "") + $" lr {p.LearningRate:G3} {p.Seconds:F1}s {p.ImagesPerSecond:F0} img/s");

        public void OnStage(string stage, string detail) => Console.WriteLine($"[{stage}] {detail}");
    }
}
