using SubnetNotebooks.Experiments.Sweeps;

namespace SubnetNotebooks.Tests.Experiments.Sweeps;

/// <summary>A job's state from its started / done / failed marks, and the scheduler's word on queued jobs.</summary>
public class JobMarksTests() : InTempFolder("subnet-sweep-marks-")
{
    readonly SweepJob _job = new("base.seed0.single", "base", 0, "single", SweepStage.Method, "base/seed0/single");

    void Mark(string path, DateTime when)
    {
        JobMarks.Write(path, "x");
        File.SetLastWriteTimeUtc(path, when);
    }

    [Fact]
    public void StatesFollowTheMarks()
    {
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(JobState.Pending, JobMarks.Read(_dir, _job));
        Mark(JobMarks.Started(_dir, _job), t);
        Assert.Equal(JobState.Running, JobMarks.Read(_dir, _job));
        Mark(JobMarks.Failed(_dir, _job), t.AddMinutes(1));
        Assert.Equal(JobState.Failed, JobMarks.Read(_dir, _job));
        Mark(JobMarks.Started(_dir, _job), t.AddMinutes(2)); // started again after the failure
        Assert.Equal(JobState.Running, JobMarks.Read(_dir, _job));
        Mark(JobMarks.Done(_dir, _job), t.AddMinutes(3));
        Assert.Equal(JobState.Done, JobMarks.Read(_dir, _job));
    }

    [Fact]
    public void TheSchedulerDecidesForUnfinishedJobs()
    {
        JobMarks.Write(JobMarks.Started(_dir, _job), "x");
        Assert.Equal(JobState.Pending, JobMarks.Read(_dir, _job, JobState.Pending)); // requeued after a started run
        Assert.Equal(JobState.Failed, JobMarks.Read(_dir, _job, JobState.Failed));   // left the queue unfinished
        JobMarks.Write(JobMarks.Done(_dir, _job), "x");
        Assert.Equal(JobState.Done, JobMarks.Read(_dir, _job, JobState.Failed));
    }
}
