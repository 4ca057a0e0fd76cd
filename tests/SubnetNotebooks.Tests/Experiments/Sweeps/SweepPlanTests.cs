using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Tests.Experiments.Sweeps;

/// <summary>Expanding a study into jobs: grid points, job count, the subnetwork's parent -> members dependency, saved files.</summary>
public class SweepPlanTests() : InTempFolder("subnet-sweep-plan-")
{
    [Fact]
    public void GridIsTheCartesianProductWithTheFirstAxisSlowest()
    {
        var points = SweepGrid.Expand([SweepGrid.ParseAxis("lr=0.05,0.1"), SweepGrid.ParseAxis("members=2,4")]);

        Assert.Equal(["lr-0.05_members-2", "lr-0.05_members-4", "lr-0.1_members-2", "lr-0.1_members-4"], points.Select(p => p.Name));
        Assert.Equal([new("lr", "0.1"), new KeyValuePair<string, string>("members", "4")], points[3].Settings);
    }

    [Fact]
    public void GridWithoutAxesIsTheOneBaseExperimentAndListValuesTakeSemicolons()
    {
        Assert.Equal([SweepGrid.BaseName], SweepGrid.Expand([]).Select(p => p.Name));
        var (key, values) = SweepGrid.ParseAxis("widths=64,64;128,128");
        Assert.Equal("widths", key);
        Assert.Equal(["64,64", "128,128"], values);
        Assert.Throws<ArgumentException>(() => SweepGrid.Expand([SweepGrid.ParseAxis("lr=1,2"), SweepGrid.ParseAxis("lr=3")]));
        Assert.Throws<ArgumentException>(() => SweepGrid.ParseAxis("lr"));
    }

    [Fact]
    public void JobsAreExperimentsTimesSeedsTimesMethodsPlusOneParentPerSubnetRun()
    {
        var grid = SweepGrid.Expand([SweepGrid.ParseAxis("lr=0.05,0.1")]);
        var (plan, configs) = SweepPlan.Create(Profiles.Smoke, [0, 1, 2], ["single", "deep", "subnet"], grid, _dir);

        Assert.Equal(2 * 3 * 3 + 2 * 3, plan.Jobs.Count);
        Assert.Equal(plan.Jobs.Count, plan.Jobs.Select(j => j.Id).Distinct().Count());
        var members = plan.Jobs.Where(j => j.Stage == SweepStage.Members).ToArray();
        Assert.Equal(6, members.Length);
        foreach (var m in members)
        {
            var parent = plan.Job(m.DependsOn!);
            Assert.Equal(SweepStage.Parent, parent.Stage);
            Assert.Equal((m.Experiment, m.Seed, m.Folder), (parent.Experiment, parent.Seed, parent.Folder));
        }
        Assert.All(plan.Jobs.Where(j => j.Stage != SweepStage.Members), j => Assert.Null(j.DependsOn));
        Assert.Equal(Path.Combine("lr-0.1", "seed2", "deep"), plan.Job("lr-0.1.seed2.deep").Folder);
        Assert.Equal(0.1, configs["lr-0.1"].LearningRate);
    }

    [Fact]
    public void SavedPlanLoadsBackAndGivesEachJobItsSeedAndMethod()
    {
        var (plan, configs) = SweepPlan.Create(Profiles.Smoke with { LearningRate = 0.2 }, [4, 7], ["single", "subnet"], SweepGrid.Expand([]), _dir);
        plan.Save(configs);
        var loaded = SweepPlan.Load(_dir);

        Assert.Equal(plan.Jobs, loaded.Jobs);
        Assert.Equal([4L, 7L], loaded.Seeds);
        var config = loaded.ConfigFor(loaded.Job("base.seed7.subnet.parent"));
        Assert.Equal((7L, "subnet", 0.2), (config.Seed, config.Methods.Single(), config.LearningRate));
        plan.Save(configs); // the same sweep again: resumes
        plan.Save(configs.ToDictionary(c => c.Key, c => c.Value with { Threads = 8 })); // threads may change between reruns
        var (other, otherConfigs) = SweepPlan.Create(Profiles.Smoke, [4, 7], ["single", "subnet"], SweepGrid.Expand([]), _dir);
        var error = Assert.Throws<InvalidOperationException>(() => other.Save(otherConfigs));
        Assert.Contains("config.json", error.Message);
    }
}
