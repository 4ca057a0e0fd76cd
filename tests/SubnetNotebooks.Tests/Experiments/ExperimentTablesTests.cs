using SubnetNotebooks.Experiments;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Models;

namespace SubnetNotebooks.Tests.Experiments;

public class ExperimentTablesTests
{
    /// <summary>MLP 2-4-2 split into two members owning hidden units {0, 2} and {1, 3}.</summary>
    static SubnetworkPartition Halves() =>
        new(2, MaskGranularity.Unit, new Dictionary<string, int> { ["fc1"] = 4 }, new Dictionary<string, int[]> { ["fc1"] = [0, 1, 0, 1] },
            new Dictionary<string, int[]>());

    [Fact]
    public void SubnetworkRowsCountEachMembersWeightsAndBiases()
    {
        using var model = ModelFactory.Create(new ModelSpec("mlp", [4]), 1, 1, 2, 2);
        var rows = ExperimentTables.Subnetworks(Halves(), model);
        // Member: fc1 keeps 2 units x 2 inputs + 2 biases = 6; the head keeps 2 classes x 2 inputs + 2 biases = 6.
        // Parent: 2 x 4 + 4 + 4 x 2 + 2 = 22. FLOPs: 2 per multiply-add, member 2 x (4 + 4) = 16.
        Assert.Equal([1, 2], rows.Select(r => r.Member));
        Assert.All(rows, r => Assert.Equal(12, r.Parameters));
        Assert.All(rows, r => Assert.Equal(16, r.FlopsPerExample));
        Assert.All(rows, r => Assert.Equal(12.0 / 22, r.ParameterShare, 12));
    }

    [Fact]
    public void QualityRowsLeaveTemperatureColumnsUndefinedWithoutAValidationSplit()
    {
        var test = new Predictions([0.9f, 0.1f, 0.4f, 0.6f], 1, 2, 2, [0, 0]);
        var outcome = new MethodOutcome("single", 1, EvaluationReport.Evaluate(test), 22, 32, 1.5, 0.1, []);
        var row = Assert.Single(ExperimentTables.Quality([outcome]));
        Assert.Equal("single", row.Method);
        Assert.Equal(0.5, row.Accuracy, 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.4)) / 2, row.Nll, 6);
        Assert.True(double.IsNaN(row.Temperature));
        Assert.True(double.IsNaN(row.TsNll));
        var cost = Assert.Single(ExperimentTables.Cost([outcome]));
        Assert.Equal((22L, 32L, 1.5), (cost.Parameters, cost.FlopsPerExample, cost.TrainingSeconds));
    }
}
