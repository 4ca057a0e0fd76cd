using System.Text;
using System.Text.Json;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>End-to-end runs of the pipeline on a synthetic digits file (same format and size as scikit-learn's).</summary>
public class ExperimentRunnerTests() : InTempFolder("subnet-runner-")
{
    string WriteDigits() => SyntheticDigits.Write(_dir, seed: 5);

    ExperimentConfig Config(string dataDir) => Profiles.Smoke with
    {
        Dataset = "digits", OodDataset = "", DataDir = dataDir, TrainSamples = 0, TestSamples = 0, ValidationSamples = 200,
        ShiftSamples = 50, Widths = [32, 32], Members = 2, Epochs = 2, ParentEpochs = 2, SubnetEpochs = 2, BatchSize = 32, LearningRate = 0.05, Seed = 3,
        Execution = "fused", // forced: auto's choice depends on timing, and these tests follow the fused checkpoint
    };

    sealed class CancelAt(string run, int epoch, CancellationTokenSource source) : IExperimentObserver
    {
        public void OnEpoch(EpochProgress progress)
        {
            if (progress.Run == run && progress.Epoch == epoch) source.Cancel();
        }
    }

    [Fact]
    public void RunWritesTheWholeRunFolder()
    {
        var config = Config(WriteDigits());
        var folder = Path.Combine(_dir, "run");
        var outcome = ExperimentRunner.Run(config, folder);

        Assert.Equal(["single", "mcdropout", "deep", "subnet"], outcome.Methods.Select(m => m.Method));
        foreach (var file in new[] { "config.json", "metrics.json", "metrics.csv", "report.html", "predictions/labels.npy" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        foreach (var method in config.Methods)
        {
            Assert.True(File.Exists(Path.Combine(folder, "predictions", $"{method}.npy")), method);
            Assert.True(File.Exists(Path.Combine(folder, "predictions", $"{method}.logits.npy")), method);
            Assert.True(File.Exists(Path.Combine(folder, "reports", $"{method}.json")), method);
            Assert.True(File.Exists(Path.Combine(folder, "reports", $"{method}.shift.json")), method);
        }
        foreach (var run in new[] { "single", "mcdropout", "deep/1", "deep/2", "subnet/parent", "subnet/fused" })
            Assert.True(File.Exists(Path.Combine(folder, "checkpoints", run, "last.ckpt")), run);

        // predictions/<method>.npy is float32 [M, N, C]: header names the shape, then M*N*C*4 bytes.
        var npy = File.ReadAllBytes(Path.Combine(folder, "predictions", "deep.npy"));
        var header = Encoding.ASCII.GetString(npy, 10, BitConverter.ToUInt16(npy, 8));
        Assert.Contains("'descr': '<f4'", header);
        Assert.Contains("'shape': (2, 450, 10)", header);
        Assert.Equal(10 + BitConverter.ToUInt16(npy, 8) + 2 * 450 * 10 * 4, npy.Length);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        foreach (var method in config.Methods)
        {
            var row = metrics.RootElement.GetProperty(method);
            foreach (var key in new[] { "accuracy", "nll", "ece", "brier", "mce", "ace", "classwise_ece", "ts.nll", "ts.ece", "member.mean_accuracy",
                         "diversity.disagreement", "diversity.kl", "cost.parameters", "cost.flops_per_example", "cost.train_seconds",
                         "cost.peak_memory_bytes", "shift.gaussian_noise.5.accuracy", "shift.mean.3.nll",
                         "aurc", "augrc", "risk_at_80_coverage", "coverage_at_5_risk", "ts.aurc", "ts.augrc", "shift.clean.diversity.disagreement",
                         "shift.mean.3.diversity.disagreement", "shift.mean.diversity.kl" })
                Assert.True(row.TryGetProperty(key, out _), $"{method}.{key}");
        }
        var subnetRow = metrics.RootElement.GetProperty("subnet");
        Assert.Equal(1, subnetRow.GetProperty("cost.execution.fused").GetDouble());
        Assert.Equal(0, subnetRow.GetProperty("cost.execution.timed").GetDouble());
        var subnet = outcome.Methods.Single(m => m.Method == "subnet");
        var deep = outcome.Methods.Single(m => m.Method == "deep");
        Assert.True(subnet.Parameters < deep.Parameters / 2, $"subnetworks {subnet.Parameters} vs deep {deep.Parameters}");
        Assert.True(outcome.Methods.All(m => m.Report.Test.Accuracy > 0.5), "every method learns the synthetic digits");
    }

    [Fact]
    public void InterruptedRunResumesToTheMetricsOfAnUninterruptedRun()
    {
        var config = Config(WriteDigits());
        var reference = ExperimentRunner.Run(config, Path.Combine(_dir, "whole"));

        var folder = Path.Combine(_dir, "interrupted");
        using (var cancel = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => ExperimentRunner.Run(config, folder, new CancelAt("subnet/fused", 1, cancel), cancel.Token));
        Assert.True(File.Exists(Path.Combine(folder, "checkpoints", "deep", "2", "last.ckpt")));
        Assert.True(File.Exists(Path.Combine(folder, "checkpoints", "subnet", "fused", "last.ckpt")));

        var resumed = ExperimentRunner.Run(config, folder);
        Assert.Equal(reference.Methods.Select(m => m.Report.Test.Nll), resumed.Methods.Select(m => m.Report.Test.Nll));
        Assert.Equal(reference.Methods.Select(m => m.Report.Test.Accuracy), resumed.Methods.Select(m => m.Report.Test.Accuracy));
        var subnetRuns = resumed.Methods.Single(m => m.Method == "subnet").TrainingRuns;
        var described = string.Join("; ", subnetRuns.Select(r => $"{r.History[0].Run} resumed at {r.ResumedFromEpoch}"));
        Assert.True(subnetRuns.Any(r => r.History[0].Run == "subnet/fused" && r.ResumedFromEpoch == 1), described);
        Assert.True(subnetRuns.Any(r => r.History[0].Run == "subnet/parent" && r.ResumedFromEpoch == 2), described);
    }

    [Fact]
    public void MethodsRunLaterAreAddedToTheMetricsOfTheRunFolder()
    {
        var config = Config(WriteDigits());
        var folder = Path.Combine(_dir, "grow");
        ExperimentRunner.Run(config with { Methods = ["single"] }, folder);
        ExperimentRunner.Run(config with { Methods = ["deep"] }, folder);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        Assert.Equal(["single", "deep"], metrics.RootElement.EnumerateObject().Select(p => p.Name));
        var csv = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("single,", csv[1]);
        Assert.StartsWith("deep,", csv[2]);
    }

    [Fact]
    public void RunFolderOfAnotherExperimentIsRefusedByName()
    {
        var config = Config(WriteDigits()) with { Methods = ["single"] };
        var folder = Path.Combine(_dir, "one");
        ExperimentRunner.Run(config, folder);
        var error = Assert.Throws<InvalidOperationException>(() => ExperimentRunner.Run(config with { LearningRate = 0.2 }, folder));
        Assert.Contains("learningRate", error.Message);
        Assert.Contains("--config", error.Message);
    }

    [Fact]
    public void DivergingMethodNamesItselfKeepsTheFinishedOnesAndCanBeRerunAlone()
    {
        var config = Config(WriteDigits()) with { Methods = ["single", "subnet"], SubnetLearningRate = 1e12, ShiftSamples = 0 };
        var folder = Path.Combine(_dir, "diverge");
        var error = Assert.Throws<TrainingDivergedException>(() => ExperimentRunner.Run(config, folder));
        Assert.Contains("Method subnet diverged", error.Message);
        Assert.Contains("epoch 1", error.Message);
        Assert.Contains("(single)", error.Message);
        Assert.Contains($"--out {folder} --methods subnet", error.Message);
        Assert.Contains("--amend", error.Message);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json"))))
            Assert.Equal(["single"], metrics.RootElement.EnumerateObject().Select(p => p.Name));
        var singleCheckpoint = Path.Combine(folder, "checkpoints", "single", Checkpoint.FileName);
        var written = File.GetLastWriteTimeUtc(singleCheckpoint);

        // Without --amend the changed learning rate is another experiment; with it only subnet trains.
        var fixedConfig = config with { Methods = ["subnet"], SubnetLearningRate = 0.05 };
        Assert.Throws<InvalidOperationException>(() => ExperimentRunner.Run(fixedConfig, folder));
        var outcome = ExperimentRunner.Run(fixedConfig, folder, amend: true);
        Assert.Equal(["subnet"], outcome.Methods.Select(m => m.Method));
        Assert.Equal(written, File.GetLastWriteTimeUtc(singleCheckpoint));
        Assert.True(File.Exists(Path.Combine(folder, "config.before-amend-1.json")));
        using var merged = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
        Assert.Equal(["single", "subnet"], merged.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void ZeroValidationSamplesIsRejectedBeforeTraining()
    {
        var config = Config(WriteDigits()) with { ValidationSamples = 0 };
        var error = Assert.Throws<ArgumentException>(() => ExperimentRunner.Run(config, Path.Combine(_dir, "noval")));
        Assert.Contains("validationSamples", error.Message);
        Assert.Contains("--set validationSamples=", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "noval", "checkpoints")), "nothing was trained");
    }
}
