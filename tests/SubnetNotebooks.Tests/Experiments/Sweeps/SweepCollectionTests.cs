using SubnetNotebooks.Experiments;
using SubnetNotebooks.Experiments.Sweeps;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Experiments.Sweeps;

/// <summary>`subnet collect`: finished run folders merged per seed and summarised over seeds; unfinished jobs listed.</summary>
public class SweepCollectionTests() : InTempFolder("subnet-sweep-collect-")
{
    void Finish(SweepPlan plan, string id, double accuracy)
    {
        var job = plan.Job(id);
        Directory.CreateDirectory(plan.RunFolder(job));
        new MetricsTable().Add(job.Method, new Dictionary<string, double> { ["accuracy"] = accuracy, ["nll"] = 1 - accuracy })
            .SaveJson(Path.Combine(plan.RunFolder(job), "metrics.json"));
        JobMarks.Write(JobMarks.Done(plan.Root, job), "{}");
    }

    [Fact]
    public void SummarisesFinishedSeedsAndListsTheRest()
    {
        var (plan, configs) = SweepPlan.Create(Profiles.Smoke, [0, 1], ["single", "subnet"], SweepGrid.Expand([]), _dir);
        plan.Save(configs);
        Finish(plan, "base.seed0.single", 0.5);
        Finish(plan, "base.seed1.single", 0.7);
        Finish(plan, "base.seed0.subnet.parent", double.NaN);
        Finish(plan, "base.seed0.subnet", 0.8);

        var collection = SweepCollection.Collect(plan);

        var (experiment, summary) = Assert.Single(collection.Summaries);
        Assert.Equal("base", experiment);
        var single = summary.Get("single", "accuracy")!;
        Assert.Equal(0.6, single.Mean, 12);
        Assert.Equal(Math.Sqrt((0.1 * 0.1 + 0.1 * 0.1) / 1), single.StandardDeviation, 12); // sample std, n - 1 = 1
        Assert.Equal(2, single.Count);
        Assert.Equal((0.8, 1), (summary.Get("subnet", "accuracy")!.Mean, summary.Get("subnet", "accuracy")!.Count));
        Assert.Equal(["base.seed1.subnet.parent", "base.seed1.subnet"], collection.Unfinished.Select(u => u.Job.Id));
        var seed0 = MetricsTable.FromJson(File.ReadAllText(Path.Combine(_dir, "base", "seed0", "metrics.json")));
        Assert.Equal(["single", "subnet"], seed0.Methods);
        Assert.True(File.Exists(Path.Combine(_dir, "base", "summary.json")));
        var report = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.Contains("base.seed1.subnet.parent", report);
    }
}
