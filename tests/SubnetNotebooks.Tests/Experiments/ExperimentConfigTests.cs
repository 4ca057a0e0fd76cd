using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

public class ExperimentConfigTests
{
    [Fact]
    public void JsonRoundTripKeepsEveryField()
    {
        var config = Profiles.Paper with { Seed = 42, Methods = ["single", "subnet"], StepMilestones = [60, 120] };
        var back = ExperimentConfig.FromJson(config.ToJson());
        Assert.Equal(config.ToJson(), back.ToJson());
        Assert.Equal(42, back.Seed);
        Assert.Equal(["single", "subnet"], back.Methods);
        Assert.Contains("\"schedule\": \"cosine\"", config.ToJson());
    }

    [Fact]
    public void SetOverridesByNameAliasAndList()
    {
        var c = Profiles.Cpu.Set("lr", "0.2").Set("members", "3").Set("widths", "32,16").Set("schedule", "step")
            .Set("methods", "single,deep").Set("criterion", "taylor").Set("inherit", "false");
        Assert.Equal(0.2, c.LearningRate);
        Assert.Equal(3, c.Members);
        Assert.Equal([32, 16], c.Widths);
        Assert.Equal(LearningRateSchedule.Step, c.Schedule);
        Assert.Equal(["single", "deep"], c.Methods);
        Assert.Equal("taylor", c.Criterion);
        Assert.False(c.Inherit);
    }

    [Fact]
    public void UnknownFieldAndBadValueAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Profiles.Cpu.Set("learningrat", "0.1"));
        Assert.Contains("learningrat", e.Message);
        Assert.Contains("learningRate", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => Profiles.Cpu.Set("members", "four"));
        Assert.Contains("members=four", bad.Message);
        Assert.Contains("members takes a number (now 4)", bad.Message);
        // Several fields in one --set: the message says to give each its own.
        var joined = Assert.Throws<ArgumentException>(() => Profiles.Cpu.Set("epochs", "1,parentEpochs=1"));
        Assert.Contains("Give each field its own --set", joined.Message);
        var unknownInFile = Assert.Throws<ArgumentException>(() => ExperimentConfig.FromJson("{\"membres\": 4}", "x.json"));
        Assert.Contains("x.json", unknownInFile.Message);
    }

    [Fact]
    public void ProfileIsChosenByNameAndUnknownNamesAreRejected()
    {
        Assert.Equal("smoke", Profiles.Get("smoke").Profile);
        Assert.Throws<ArgumentException>(() => Profiles.Get("huge"));
    }

    [Fact]
    public void TrainingOptionsFollowTheConfig()
    {
        var c = Profiles.Cpu with { Epochs = 7, SubnetEpochs = 3, LearningRate = 0.1, SubnetLearningRate = 0.02 };
        Assert.Equal(7, c.BaselineTraining.Epochs);
        Assert.Equal(3, c.SubnetTraining.Epochs);
        Assert.Equal(0.02, c.SubnetTraining.LearningRate);
        Assert.Equal(0.1, c.ParentTraining.LearningRate);
    }

    [Fact]
    public void ValidateRejectsTooManyMembersForTheWidths()
    {
        var e = Assert.Throws<ArgumentException>(() => (Profiles.Smoke with { Widths = [3, 8], Members = 4 }).Validate());
        Assert.Contains("members = 4", e.Message);
    }

    [Fact]
    public void PipelineKnobsAreSetCheckedAndLeaveTheExperimentAlone()
    {
        var c = Profiles.Cpu.Set("deviceData", "off").Set("prefetch", "2").Set("deviceDataLimitMb", "100");
        var pipeline = ExperimentData.Pipeline(c);
        Assert.Equal(SubnetNotebooks.Data.DeviceDataMode.Off, pipeline.DeviceData);
        Assert.Equal(2, pipeline.Prefetch);
        Assert.Equal(100L * 1024 * 1024, pipeline.DeviceDataLimitBytes);
        var e = Assert.Throws<ArgumentException>(() => (Profiles.Cpu with { Prefetch = 5 }).Validate());
        Assert.Contains("prefetch", e.Message);
        // Same seed, same batches: a run folder resumes under other pipeline options, not under another learning rate.
        var dir = Path.Combine(Path.GetTempPath(), $"pipeline-knobs-{Guid.NewGuid():N}");
        try
        {
            RunFolder.Open(dir, Profiles.Smoke);
            RunFolder.Open(dir, Profiles.Smoke with { Prefetch = 2, DeviceData = SubnetNotebooks.Data.DeviceDataMode.Off, DeviceDataLimitMb = 1 });
            Assert.Throws<InvalidOperationException>(() => RunFolder.Open(dir, Profiles.Smoke with { LearningRate = 0.3 }));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
