using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Experiments;

namespace SubnetNotebooks.Tests.Experiments;

public class BaselineMethodsTests
{
    static readonly DatasetInfo Info = new("toy", "Toy", 10, 1, 28, 100, 10, "none", "toy", Normalization.Identity(1), "");

    [Theory]
    [InlineData("batchensemble", typeof(BatchEnsemble))]
    [InlineData("mimo", typeof(Mimo))]
    [InlineData("masksembles", typeof(Masksembles))]
    [InlineData("packed", typeof(PackedEnsemble))]
    [InlineData("overlap", typeof(OverlapEnsemble))]
    public void EveryBaselineIsRegisteredUnderItsName(string method, Type type)
    {
        Assert.Contains(method, Methods.Names);
        using var ensemble = Methods.Create(method, Profiles.Smoke, Info);
        Assert.IsType(type, ensemble);
        Assert.Equal(method, ensemble.Method);
        Assert.Equal(Profiles.Smoke.Members, ensemble.Members);
    }

    [Fact]
    public void BaselineSettingsAreConfigFieldsWithCheckedRanges()
    {
        var config = Profiles.Smoke.Set("masksemblesScale", "3").Set("overlap", "0.25").Set("packedGamma", "2").Set("mimoBatchRepetition", "4");
        Assert.Equal(3, config.MasksemblesScale);
        Assert.Equal(0.25, config.Overlap);
        Assert.Equal(2, config.PackedGamma);
        Assert.Equal(4, config.MimoBatchRepetition);
        Assert.Equal(config, ExperimentConfig.FromJson(config.ToJson()) with { Widths = config.Widths, Methods = config.Methods, StepMilestones = config.StepMilestones });
        Assert.Contains("masksemblesScale", Assert.Throws<ArgumentException>(() => (Profiles.Smoke with { MasksemblesScale = 0.5 }).Validate()).Message);
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => (Profiles.Smoke with { Overlap = 1.5 }).Validate()).Message);
        Assert.Contains("mimoInputRepetition", Assert.Throws<ArgumentException>(() => (Profiles.Smoke with { MimoInputRepetition = -0.1 }).Validate()).Message);
    }
}
