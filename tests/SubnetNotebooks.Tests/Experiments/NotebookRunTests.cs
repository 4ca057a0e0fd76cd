using System.Text.Json;
using Plotly.NET;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>Notebooks pointed at the folder of a finished `subnet reproduce --out DIR` run load every method from its checkpoints and train nothing.</summary>
public class NotebookRunTests() : InTempFolder("subnet-notebook-run-")
{
    sealed class EpochCounter : IExperimentObserver
    {
        public int Epochs;
        public void OnEpoch(EpochProgress progress) => Epochs++;
    }

    [Fact]
    public void ASessionOnAFinishedReproduceFolderLoadsEveryMethodWithoutTraining()
    {
        var config = Profiles.Smoke with
        {
            Dataset = "digits", OodDataset = "", DataDir = SyntheticDigits.Write(_dir, seed: 2), TrainSamples = 0, TestSamples = 0,
            ValidationSamples = 200, ShiftSamples = 0, Widths = [16, 16], Members = 2, Epochs = 2, ParentEpochs = 2, SubnetEpochs = 2,
            BatchSize = 64, Seed = 4,
        };
        var runDir = Path.Combine(_dir, "runs", "paper-like");
        ExperimentRunner.Run(config, runDir);   // what `subnet reproduce --out runDir` does
        var checkpoints = Directory.GetFiles(Path.Combine(runDir, "checkpoints"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, File.GetLastWriteTimeUtc);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "metrics.json")));

        // The notebook's first cells with SUBNET_RUN_DIR = runDir: the run's own config and the methods it trained.
        Assert.True(NotebookRun.IsHeadlessRun(runDir));
        var notebookConfig = NotebookRun.Config(runDir);
        Assert.Equal(config.ToJson(), notebookConfig.ToJson());
        string[] methods = NotebookRun.Methods(Methods.Names, runDir);
        Assert.Equal(["single", "mcdropout", "deep", "subnet"], methods);
        var methodsFolder = Path.Combine(Path.GetDirectoryName(Path.Combine(runDir, "04-ensembles-compared"))!, "methods");

        var epochs = new EpochCounter();
        using var session = ExperimentSession.Open(notebookConfig with { Methods = methods }, methodsFolder, epochs);
        Assert.Equal(runDir, session.Folder.Root);
        foreach (var method in methods)
        {
            var trained = session.Train(method, epochs);
            Assert.All(trained.Ensemble.TrainingRuns, r => Assert.Equal(r.History.Count, r.ResumedFromEpoch));
            // The same checkpoints give the same test accuracy as the headless run wrote.
            Assert.Equal(metrics.RootElement.GetProperty(method).GetProperty("accuracy").GetDouble(), trained.Outcome.Report.Test.Accuracy, 9);
        }
        Assert.Equal(0, epochs.Epochs);
        Assert.False(Directory.Exists(methodsFolder));
        Assert.Equal(checkpoints, Directory.GetFiles(Path.Combine(runDir, "checkpoints"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, File.GetLastWriteTimeUtc));

        // Charts come from the loaded methods: every method in the quality chart, the subnet's loss curves from its checkpoints.
        var quality = GenericChart.toJson(ExperimentCharts.Quality(session.Outcome.Methods));
        Assert.All(methods, m => Assert.Contains(m, quality));
        var subnet = session.Methods.Single(m => m.Outcome.Method == "subnet");
        Assert.All(subnet.Ensemble.TrainingRuns, r => Assert.Equal(2, r.History.Count));
    }

    [Fact]
    public void WithoutAFinishedRunTheNotebooksUseTheProfileAndTheirOwnFolders()
    {
        var empty = Path.Combine(_dir, "fresh");
        Directory.CreateDirectory(empty);
        Assert.False(NotebookRun.IsHeadlessRun(empty));
        Assert.Equal(["single", "mcdropout"], NotebookRun.Methods(["single", "mcdropout"], empty));
        var methods = Path.Combine(empty, "methods");
        Assert.Equal(methods, RunFolder.Locate(methods));
    }
}
