using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// Experiment progress in a notebook, from the same events that drive the CLI's progress bars: one
/// live chart (a loss panel and an accuracy panel, each with its own y axis) with a point per training run (parent, member) after every epoch (training loss, training
/// accuracy, validation loss and accuracy: it asks training to evaluate the validation split every epoch), a
/// progress line per run updated after every batch, and a stage line ("subnet: training"). A run loaded from
/// its checkpoint draws its stored epochs first. Everything redraws in place.
/// Outside a notebook it only records the epochs and stages.
/// </summary>
/// <example><code>
/// var progress = NotebookProgress.Show("Training the subnetworks");
/// var subnet = session.Train("subnet", progress);
/// </code></example>
public sealed class NotebookProgress : IExperimentObserver
{
    readonly object _gate = new();
    readonly Dictionary<string, ProgressDisplay> _lines = new(StringComparer.Ordinal);
    readonly List<EpochProgress> _epochs = [];
    readonly List<(string Stage, string Detail)> _stages = [];
    readonly DisplayedValue? _stageOutput;

    NotebookProgress(string title)
    {
        if (KernelInvocationContext.Current is { } context)
            _stageOutput = context.Display(new HtmlString(StageLine("", "starting")), HtmlFormatter.MimeType);
        Chart = LiveChart.Show(title, "Epoch", "Loss / accuracy", series => series.EndsWith(" loss", StringComparison.Ordinal) ? "loss" : "accuracy");
    }

    /// <summary>Shows the stage line and an empty live chart in the current cell (records only, outside a notebook).</summary>
    /// <param name="title">Title of the live chart.</param>
    public static NotebookProgress Show(string title = "Training") => new(title);

    /// <summary>The live chart: series "{run} loss", "{run} train accuracy", "{run} validation loss" and "{run} validation accuracy".</summary>
    public LiveChart Chart { get; }

    /// <summary>Every epoch reported so far, in order.</summary>
    public IReadOnlyList<EpochProgress> Epochs
    {
        get { lock (_gate) return _epochs.ToArray(); }
    }

    /// <summary>Every stage reported so far, in order.</summary>
    public IReadOnlyList<(string Stage, string Detail)> Stages
    {
        get { lock (_gate) return _stages.ToArray(); }
    }

    /// <summary>Advances the run's progress line (created on its first batch).</summary>
    public void OnBatch(BatchProgress p)
    {
        ProgressDisplay line;
        lock (_gate)
            if (!_lines.TryGetValue(p.Run, out line!))
                _lines[p.Run] = line = ProgressDisplay.Start(p.Run, p.Epochs * p.Batches);
        line.Report((p.Epoch - 1) * p.Batches + p.Batch, string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs}, loss {p.Loss:F3}, accuracy {p.Accuracy:P1}, {p.ImagesPerSecond:F0} img/s"));
    }

    /// <summary>Adds the epoch's points to the live chart; completes the run's progress line after its last epoch.</summary>
    public void OnEpoch(EpochProgress p)
    {
        ProgressDisplay? line;
        lock (_gate)
        {
            _epochs.Add(p);
            _lines.TryGetValue(p.Run, out line);
        }
        Chart.Add(p.Epoch, Points(p));
        if (p.Epoch == p.Epochs)
            line?.Complete(string.Create(CultureInfo.InvariantCulture, $"loss {p.TrainLoss:F3}, accuracy {p.TrainAccuracy:P1}"));
    }

    /// <summary>Draws the stored epochs of a run loaded from its checkpoint (resumed, or finished and only loaded) before any new epoch.</summary>
    public void OnResume(string run, IReadOnlyList<EpochProgress> history)
    {
        foreach (var p in history) Chart.Add(p.Epoch, Points(p));
        if (history.Count > 0 && history[^1].Epoch == history[^1].Epochs) OnStage(run, $"loaded from its checkpoint ({history.Count} epochs done)");
    }

    /// <summary>True: training evaluates the validation split after every epoch, so the chart draws the validation curve.</summary>
    public bool WantsValidation => true;

    /// <summary>The chart's points of one epoch: loss, train accuracy and, when measured, validation loss and accuracy.</summary>
    static (string Series, double Y)[] Points(EpochProgress p)
    {
        var points = new List<(string, double)> { ($"{p.Run} loss", p.TrainLoss), ($"{p.Run} train accuracy", p.TrainAccuracy) };
        if (p.ValidationLoss is { } validationLoss) points.Add(($"{p.Run} validation loss", validationLoss));
        if (p.ValidationAccuracy is { } validation) points.Add(($"{p.Run} validation accuracy", validation));
        return points.ToArray();
    }

    /// <summary>Shows the stage in the stage line (e.g. "subnet: evaluating").</summary>
    public void OnStage(string stage, string detail)
    {
        lock (_gate) _stages.Add((stage, detail));
        _stageOutput?.Update(new HtmlString(StageLine(stage, detail)));
    }

    static string StageLine(string stage, string detail) =>
        $"<div class=\"subnet-stage\" style=\"font-family:monospace\">{WebUtility.HtmlEncode(stage.Length == 0 ? detail : $"{stage}: {detail}")}</div>";
}
