using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Ensembles;

public class SubnetworkExecutionTests
{
    static ImageDataset Noise(int n, long seed)
    {
        manual_seed(seed);
        return new ImageDataset("noise", randint(0, 256, [n, 1, 4, 4]).to(ScalarType.Byte), randint(0, 3, [n]), 3);
    }

    static SubnetworkEnsemble Ensemble(int[] widths, SubnetworkExecution execution)
    {
        ModelRecipe recipe = (seed, dropout) => { manual_seed(seed); return ModelFactory.Create(new ModelSpec("mlp", widths, dropout), 1, 4, 4, 3); };
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, LearningRate = 0.05 };
        return new SubnetworkEnsemble(recipe, options, options, new SubnetworkSettings(2, Execution: execution), seed: 3);
    }

    [Fact]
    public void FusedCompactAndMaskedExecutionPredictTheSame()
    {
        using var train = Noise(32, 41);
        using var test = Noise(12, 42);
        var context = new EnsembleTrainingContext(new BatchIterator(train, 8, Normalization.Identity(1), shuffle: true, seed: 5), null, CPU);
        var testBatches = new BatchIterator(test, 5, Normalization.Identity(1));
        var probs = new List<Tensor>();
        foreach (var execution in new[] { SubnetworkExecution.Fused, SubnetworkExecution.Compact, SubnetworkExecution.Masked })
        {
            using var ensemble = Ensemble([6, 4], execution);
            ensemble.Fit(context);
            Assert.Equal(execution, ensemble.Execution);
            Assert.Equal(execution == SubnetworkExecution.Fused, ensemble.Fused is not null);
            Assert.Equal(execution == SubnetworkExecution.Fused ? 2 : 3, ensemble.TrainingRuns.Count); // parent + fused, or parent + 2 members
            probs.Add(ensemble.PredictMembers(testBatches, CPU));
        }
        Assert.Equal([2, 12, 3], probs[0].shape);
        Assert.True((probs[0] - probs[1]).abs().max().item<float>() < 1e-4f, "fused vs compact");
        Assert.True((probs[0] - probs[2]).abs().max().item<float>() < 1e-4f, "fused vs masked");
    }

    [Fact]
    public void AnUnevenSplitFallsBackToCompactExecution()
    {
        using var train = Noise(16, 43);
        var context = new EnsembleTrainingContext(new BatchIterator(train, 8, Normalization.Identity(1), shuffle: true, seed: 5), null, CPU);
        using var ensemble = Ensemble([5], SubnetworkExecution.Fused); // 5 units: 3 and 2 per member
        ensemble.Fit(context);
        Assert.Equal(SubnetworkExecution.Compact, ensemble.Execution);
        Assert.Null(ensemble.Fused);
    }
}
