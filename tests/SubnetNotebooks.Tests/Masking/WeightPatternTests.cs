using SubnetNotebooks.Masking;

namespace SubnetNotebooks.Tests.Masking;

public class WeightPatternTests
{
    [Fact]
    public void TwoMembersOwnTwoBlocksOnTheDiagonalEachAQuarterOfTheWeights()
    {
        // Units 0 and 2 belong to member 0, units 1 and 3 to member 1 (round-robin); sorted by owner: 0, 2, 1, 3.
        var pattern = WeightPattern.Subnetworks([0, 1, 0, 1], [0, 1, 0, 1]);
        double[,] expected =
        {
            { 1, 1, 0, 0 },
            { 1, 1, 0, 0 },
            { 0, 0, 2, 2 },
            { 0, 0, 2, 2 },
        };
        AssertPattern(expected, pattern);
        Assert.Equal(0.25, WeightPattern.Share(pattern, 1)); // 1/M² with M = 2
        Assert.Equal(0.25, WeightPattern.Share(pattern, 2));
        Assert.Equal(0.5, WeightPattern.Share(pattern, 0));
    }

    [Fact]
    public void UnsortedUnitsKeepTheirPlaces()
    {
        var pattern = WeightPattern.Subnetworks([0, 1], [1, 0], byOwner: false);
        AssertPattern(new double[,] { { 0, 2 }, { 1, 0 } }, pattern);
    }

    [Fact]
    public void ADropoutPassKeepsTheWeightsBetweenKeptUnits()
    {
        // 3 of 4 inputs and 2 of 3 outputs kept: 6 of the 12 weights.
        var pattern = WeightPattern.Dropout([true, false, true, true], [true, true, false]);
        AssertPattern(new double[,] { { 1, 0, 1, 1 }, { 1, 0, 1, 1 }, { 0, 0, 0, 0 } }, pattern);
        Assert.Equal(0.5, WeightPattern.Share(pattern, 1));
    }

    static void AssertPattern(double[,] expected, double[,] actual)
    {
        Assert.Equal((expected.GetLength(0), expected.GetLength(1)), (actual.GetLength(0), actual.GetLength(1)));
        Assert.Equal(expected.Cast<double>(), actual.Cast<double>());
    }
}
