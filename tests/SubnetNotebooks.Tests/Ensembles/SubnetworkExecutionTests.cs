using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using SubnetNotebooks.Tests.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Ensembles;

public class SubnetworkExecutionTests() : InTempFolder("subnet-execution-")
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

    /// <summary>
    /// SmallCnn [4, 6] on 1x8x8 images: conv1 reads 1 channel at 8 x 8 output positions, conv2 reads 4 channels at 4 x 4
    /// (after a 2x2 pool); at batch 10 the unfolded inputs of both are 10 x (1 x 9 x 64 + 4 x 9 x 16) floats per member.
    /// </summary>
    [Fact]
    public void UnfoldMemoryIsCountedPerConvolutionAndBoundsTheCandidates()
    {
        using var a = TinyModels.Cnn();
        using var b = TinyModels.Cnn();
        long perMember = 10L * (1 * 9 * 64 + 4 * 9 * 16) * 4;
        Assert.Equal(2 * perMember, ExecutionChoice.UnfoldBytes([a, b], 10));
        Assert.True(ExecutionChoice.UnfoldFits([a, b], 10, memoryBytes: 8 * perMember));
        Assert.False(ExecutionChoice.UnfoldFits([a, b], 10, memoryBytes: 8 * perMember - 1));
        // However much memory there is, at most 4 GiB: 2 x 400,000 x 1,152 floats (3.7 GB) fit, 2 x 500,000 x 1,152 (4.6 GB) do not.
        Assert.True(ExecutionChoice.UnfoldFits([a, b], 400_000, memoryBytes: 1L << 40));
        Assert.False(ExecutionChoice.UnfoldFits([a, b], 500_000, memoryBytes: 1L << 40));
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

    /// <summary>A subnetwork ensemble of two tiny ResNet-18 [4, 4, 8, 8] members with dropout 0.2 (so training draws random numbers).</summary>
    static SubnetworkEnsemble ResNetEnsemble(SubnetworkExecution execution)
    {
        ModelRecipe recipe = (seed, dropout) => { manual_seed(seed); return ModelFactory.Create(new ModelSpec("resnet18", [4, 4, 8, 8], dropout), 3, 8, 8, 3); };
        var options = new TrainingOptions { Epochs = 1, BatchSize = 8, LearningRate = 0.05, Momentum = 0.9 };
        return new SubnetworkEnsemble(recipe, options, options, new SubnetworkSettings(2, Execution: execution), seed: 4, parentDropout: 0.2);
    }

    [Fact]
    public void AutoTimesEveryCandidateKeepsTheFastestAndTrainsLikeThatChoiceForced()
    {
        manual_seed(44);
        using var train = new ImageDataset("noise", randint(0, 256, [16, 3, 8, 8]).to(ScalarType.Byte), randint(0, 3, [16]), 3);
        var context = new EnsembleTrainingContext(new BatchIterator(train, 8, Normalization.Identity(3), shuffle: true, seed: 5), null, CPU);
        using var auto = ResNetEnsemble(SubnetworkExecution.Auto);
        manual_seed(45);
        auto.Fit(context);
        var choice = auto.ExecutionChoice!;
        Assert.Equal([SubnetworkExecution.Fused, SubnetworkExecution.FusedUnfold, SubnetworkExecution.Compact], choice.StepSeconds.Keys.Order());
        Assert.All(choice.StepSeconds.Values, t => Assert.True(t > 0));
        Assert.All(choice.StepSeconds.Values, t => Assert.True(t >= choice.StepSeconds[choice.Used], $"{choice.Used} was used although a candidate took {t} s"));
        Assert.Equal(choice.Used, auto.Execution);
        var keys = new Dictionary<string, double>();
        choice.AddTo(keys);
        Assert.Equal(1, keys[$"cost.execution.{ExecutionChoice.NameOf(choice.Used)}"]);
        Assert.Equal(1, keys["cost.execution.timed"]);
        Assert.Equal(choice.StepSeconds[SubnetworkExecution.FusedUnfold] * 1000, keys["cost.execution.fused-unfold.step_ms"]);

        using var forced = ResNetEnsemble(choice.Used);
        manual_seed(45);
        forced.Fit(context);
        Assert.Equal(choice.Used, forced.Execution);
        Assert.Empty(forced.ExecutionChoice!.StepSeconds);
        for (int k = 0; k < 2; k++)
        {
            var a = auto.MemberModels[k].state_dict();
            foreach (var (name, t) in forced.MemberModels[k].state_dict())
                Assert.True(t.equal(a[name]).all().item<bool>(), $"member {k + 1} {name}: the auto run differs from the forced {choice.Used} run");
        }
    }

    [Fact]
    public void TheFastestTimedCandidateIsChosen()
    {
        // Hand-chosen step times: fused-unfold (8 ms) beats compact (9 ms) and fused (12 ms), whatever the listing order.
        var timed = new Dictionary<SubnetworkExecution, double>
        {
            [SubnetworkExecution.Fused] = 0.012, [SubnetworkExecution.Compact] = 0.009, [SubnetworkExecution.FusedUnfold] = 0.008,
        };
        var choice = ExecutionChoice.Fastest(timed);
        Assert.Equal(SubnetworkExecution.FusedUnfold, choice.Used);
        Assert.Same(timed, choice.StepSeconds);
        // Only fused and compact timed (fused-unfold did not fit): compact.
        Assert.Equal(SubnetworkExecution.Compact, ExecutionChoice.Fastest(new Dictionary<SubnetworkExecution, double>
        {
            [SubnetworkExecution.Fused] = 0.020, [SubnetworkExecution.Compact] = 0.015,
        }).Used);
        var none = Assert.Throws<ArgumentException>(() => ExecutionChoice.Fastest(new Dictionary<SubnetworkExecution, double>()));
        Assert.Contains("No execution was timed", none.Message);
    }

    /// <summary>An MLP [6, 4] ensemble of two, parent 2 epochs, members <paramref name="memberEpochs"/>, both on a cosine schedule.</summary>
    static SubnetworkEnsemble CosineEnsemble(int memberEpochs, SubnetworkExecution execution)
    {
        ModelRecipe recipe = (seed, dropout) => { manual_seed(seed); return ModelFactory.Create(new ModelSpec("mlp", [6, 4], dropout), 1, 4, 4, 3); };
        var parent = new TrainingOptions { Epochs = 2, BatchSize = 8, LearningRate = 0.05, Momentum = 0.9, Schedule = LearningRateSchedule.Cosine };
        return new SubnetworkEnsemble(recipe, parent, parent with { Epochs = memberEpochs }, new SubnetworkSettings(2, Execution: execution), seed: 3);
    }

    [Theory]
    [InlineData(SubnetworkExecution.Fused)]
    [InlineData(SubnetworkExecution.Compact)]
    public void MembersTrainedOneEpochAndContinuedAreTheUninterruptedRun(SubnetworkExecution execution)
    {
        using var train = Noise(32, 46);
        using var test = Noise(12, 47);
        var batches = new BatchIterator(train, 8, Normalization.Identity(1), shuffle: true, seed: 5);
        var testBatches = new BatchIterator(test, 6, Normalization.Identity(1));
        using var whole = CosineEnsemble(3, execution);
        whole.Fit(new EnsembleTrainingContext(batches, null, CPU, Path.Combine(_dir, $"{execution}-whole")));

        var stepwise = new EnsembleTrainingContext(batches, null, CPU, Path.Combine(_dir, $"{execution}-stepwise"));
        using var ensemble = CosineEnsemble(1, execution);
        ensemble.Fit(stepwise);
        Assert.All(ensemble.MemberRuns, r => Assert.Single(r.History));
        ensemble.ContinueMembers(3, stepwise);

        // Cosine over S epochs, set per epoch: epoch 1 runs at 0.5 x 0.05 x (1 + cos 0) = 0.05 whatever S is; then
        // 0.5 x 0.05 x (1 + cos(pi/3)) = 0.0375 and 0.5 x 0.05 x (1 + cos(2 pi/3)) = 0.0125.
        Assert.Equal(execution == SubnetworkExecution.Fused ? 1 : 2, ensemble.MemberRuns.Count);
        Assert.Equal(1 + ensemble.MemberRuns.Count, ensemble.TrainingRuns.Count); // the one-epoch runs are not counted twice
        Assert.All(ensemble.MemberRuns, r => Assert.Equal([0.05, 0.0375, 0.0125], r.History.Select(h => Math.Round(h.LearningRate, 12))));
        using var expected = whole.PredictMembers(testBatches, CPU);
        using var actual = ensemble.PredictMembers(testBatches, CPU);
        Assert.True((expected - actual).abs().max().item<float>() < 1e-6f, $"{execution}: the continued members differ from the uninterrupted run");
    }
}
