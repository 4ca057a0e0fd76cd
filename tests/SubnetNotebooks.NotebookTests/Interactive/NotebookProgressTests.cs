using System.Text.RegularExpressions;
using Plotly.NET;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Headless;
using SubnetNotebooks.Interactive;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.NotebookTests.Interactive;

/// <summary>The training progress a notebook shows: one live chart for every run, a progress line per run, a stage line.</summary>
public class NotebookProgressTests
{
    [Fact]
    public void OutsideANotebookItRecordsEpochsAndStagesAndChartsThem()
    {
        var progress = NotebookProgress.Show("Training");
        progress.OnStage("subnet", "training");
        progress.OnBatch(new BatchProgress("subnet/1", 1, 2, 1, 4, 2.0, 0.25, 0.05, 100));
        progress.OnEpoch(new EpochProgress("subnet/1", 1, 2, 1.5, 0.5, null, null, 0.05, 1, 100));
        progress.OnEpoch(new EpochProgress("subnet/1", 2, 2, 1.0, 0.75, 1.25, 0.625, 0.05, 1, 100));

        Assert.False(progress.Chart.IsDisplayed);
        Assert.Equal([("subnet", "training")], progress.Stages);
        Assert.Equal(2, progress.Epochs.Count);
        var series = progress.Chart.Series;
        Assert.Equal(["subnet/1 loss", "subnet/1 train accuracy", "subnet/1 validation loss", "subnet/1 validation accuracy"], series.Select(s => s.Name));
        Assert.Equal([1.5, 1.0], series[0].Y);
        Assert.Equal([0.5, 0.75], series[1].Y);
        Assert.Equal([2.0], series[2].X);
        Assert.Equal([1.25], series[2].Y);
        Assert.Equal([0.625], series[3].Y);
        Assert.True(((ITrainingObserver)progress).WantsValidation);
    }

    [Fact]
    public void ARunLoadedFromItsCheckpointDrawsItsStoredEpochsFirstOnALossAndAnAccuracyAxis()
    {
        var progress = NotebookProgress.Show("Training");
        progress.OnResume("deep/1", [new EpochProgress("deep/1", 1, 3, 2.0, 0.3, 1.9, 0.35, 0.05, 1, 100), new EpochProgress("deep/1", 2, 3, 1.2, 0.6, 1.1, 0.62, 0.05, 1, 100)]);
        progress.OnEpoch(new EpochProgress("deep/1", 3, 3, 0.8, 0.7, 0.9, 0.68, 0.05, 1, 100));

        var loss = progress.Chart.Series.Single(s => s.Name == "deep/1 loss");
        Assert.Equal([1.0, 2.0, 3.0], loss.X);
        Assert.Equal([2.0, 1.2, 0.8], loss.Y);
        Assert.Equal([0.35, 0.62, 0.68], progress.Chart.Series.Single(s => s.Name == "deep/1 validation accuracy").Y);
        // Only epoch 3 was trained here.
        Assert.Equal([3], progress.Epochs.Select(e => e.Epoch));
        using var figure = System.Text.Json.JsonDocument.Parse(GenericChart.toJson(progress.Chart.Chart));
        var layout = figure.RootElement.GetProperty("layout");
        Assert.Equal("loss", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("accuracy", layout.GetProperty("yaxis2").GetProperty("title").GetProperty("text").GetString());
        var traces = figure.RootElement.GetProperty("data").EnumerateArray().ToArray();
        // The loss panel holds loss and validation loss, the accuracy panel train and validation accuracy.
        Assert.Equal(["y", "y", "y2", "y2"], traces.Select(t => t.GetProperty("yaxis").GetString()));
    }

    [Fact]
    public void AMethodTrainedInASessionDrawsTheValidationCurveAndLoadedAgainItsStoredHistory()
    {
        var folder = Repository.NewTempFolder("nb-history");
        var config = Profiles.Smoke with
        {
            OodDataset = "", TrainSamples = 96, TestSamples = 32, ValidationSamples = 32, Widths = [8], MaxBatchesPerEpoch = 2, BatchSize = 32,
            Epochs = 2, Methods = ["single"],
        };
        var first = NotebookProgress.Show("Training");
        using (var session = ExperimentSession.Open(config, folder)) session.Train("single", first);
        Assert.Equal(2, first.Epochs.Count);
        Assert.All(first.Epochs, e => Assert.NotNull(e.ValidationAccuracy));
        var validation = first.Chart.Series.Single(s => s.Name.EndsWith(" validation accuracy", StringComparison.Ordinal));
        Assert.Equal(first.Epochs.Select(e => e.ValidationAccuracy!.Value), validation.Y);

        // The same run folder again: nothing trains, and the chart draws the epochs stored in the checkpoint.
        var again = NotebookProgress.Show("Training");
        using (var session = ExperimentSession.Open(config, folder)) session.Train("single", again);
        Assert.Empty(again.Epochs);
        var run = first.Epochs[0].Run;
        Assert.Equal(first.Epochs.Select(e => e.TrainLoss), again.Chart.Series.Single(s => s.Name == $"{run} loss").Y);
        Assert.Equal(first.Epochs.Select(e => e.ValidationAccuracy!.Value), again.Chart.Series.Single(s => s.Name == $"{run} validation accuracy").Y);
    }

    [Fact]
    public async Task InANotebookTheChartAndEachRunsProgressLineAreRedrawnInPlace()
    {
        var folder = Repository.NewTempFolder("nb-progress");
        string references = string.Join("\n",
            new[] { typeof(NotebookProgress), typeof(BatchProgress), typeof(GenericChart), typeof(Microsoft.FSharp.Core.Unit) }
                .Select(t => $"#r \"{t.Assembly.Location}\"")) + "\nusing SubnetNotebooks.Interactive; using SubnetNotebooks.Training;";
        var path = ThrowawayNotebook.Write(folder, "progress.ipynb", references, "NotebookCharts.Register();",
            """
            var progress = NotebookProgress.Show("Training");
            foreach (var run in new[] { "deep/1", "deep/2" })
                for (int epoch = 1; epoch <= 2; epoch++)
                {
                    for (int batch = 1; batch <= 3; batch++)
                        progress.OnBatch(new BatchProgress(run, epoch, 2, batch, 3, 1.0 / epoch, 0.5, 0.05, 100));
                    progress.OnEpoch(new EpochProgress(run, epoch, 2, 1.0 / epoch, 0.25 * epoch, null, null, 0.05, 1, 100));
                }
            progress.OnStage("deep", "evaluating");
            """);
        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions("smoke", Path.Combine(folder, "out")));
        Assert.True(result.Succeeded, result.ToString());

        var outputs = ThrowawayNotebook.Html(result.ExecutedPath, 3);
        // The stage line, one chart, and one progress line per run: four outputs however many epochs and batches.
        Assert.Equal(4, outputs.Length);
        Assert.Contains("deep: evaluating", outputs[0]);
        var chart = Assert.Single(outputs, o => o.Contains("newPlot("));
        Assert.Single(Regex.Matches(chart, "newPlot\\("));
        Assert.Contains("\"name\":\"deep/2 loss\"", chart);
        Assert.Contains("\"y\":[1.0,0.5]", chart);
        Assert.Contains("\"y\":[0.25,0.5]", chart);
        Assert.Contains(outputs, o => o.Contains("deep/1: 6/6 (100%)") && o.Contains("(done)"));
        Assert.Contains(outputs, o => o.Contains("deep/2: 6/6 (100%)") && o.Contains("(done)"));
    }
}
