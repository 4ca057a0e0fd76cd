using SubnetNotebooks.Data;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>The profile registry: the six paper profiles, their recipes, and what `subnet profiles` lists.</summary>
public class ProfilesTests
{
    static readonly string[] PaperProfiles =
        ["paper-cifar10", "paper-cifar100", "paper-cifar10-wrn", "paper-cifar100-wrn", "paper-tinyimagenet", "paper-cub200"];

    [Fact]
    public void EveryPaperProfileIsRegisteredValidAndNamedInItsConfig()
    {
        Assert.Equal(PaperProfiles, Profiles.All.Select(p => p.Name).Where(n => n.StartsWith("paper-")));
        foreach (var name in PaperProfiles)
        {
            var config = Profiles.Get(name);
            Assert.Equal(name, config.Profile);
            config.Validate();
            Assert.False(string.IsNullOrWhiteSpace(Profiles.Find(name).Assumes));
        }
    }

    [Fact]
    public void PaperIsAnAliasOfPaperCifar10()
    {
        Assert.Equal(Profiles.Get("paper-cifar10").ToJson(), Profiles.Get("paper").ToJson());
        Assert.Equal(Profiles.Get("paper-cifar10").ToJson(), Profiles.Get(" PAPER ").ToJson());
        Assert.Contains("paper", Profiles.Names);
        var unknown = Assert.Throws<ArgumentException>(() => Profiles.Get("paper-imagenet"));
        Assert.Contains("paper-cub200", unknown.Message);
    }

    [Theory]
    [InlineData("paper-cifar10", "cifar10", "cifar100")]
    [InlineData("paper-cifar100", "cifar100", "cifar10")]
    public void CifarResNetProfilesUseTheUsualRecipe(string name, string dataset, string ood)
    {
        var c = Profiles.Get(name);
        Assert.Equal((dataset, ood, "resnet18"), (c.Dataset, c.OodDataset, c.Model));
        Assert.Equal([64, 128, 256, 512], c.Widths);
        Assert.Equal((0.1, 0.9, 5e-4, 200, 128), (c.LearningRate, c.Momentum, c.WeightDecay, c.Epochs, c.BatchSize));
        Assert.True(c.Augment);
        Assert.Equal("crop-flip", c.Augmentation);
        // The parent and every subnetwork: 160 + 160 / M full-model epochs = the baselines' 200 at M = 4.
        Assert.Equal(c.Epochs, c.ParentEpochs + c.SubnetEpochs / c.Members);
    }

    [Theory]
    [InlineData("paper-cifar10-wrn", "cifar10")]
    [InlineData("paper-cifar100-wrn", "cifar100")]
    public void WrnProfilesUseTheUncertaintyBaselinesRecipe(string name, string dataset)
    {
        var c = Profiles.Get(name);
        Assert.Equal((dataset, "wrn", 28, 10), (c.Dataset, c.Model, c.Depth, c.WidthFactor));
        Assert.Equal([16, 160, 320, 640], c.Widths);
        Assert.Equal((200, 128, 0.1, true), (c.Epochs, c.BatchSize, c.LearningRate, c.Nesterov));
        Assert.Equal(LearningRateSchedule.Step, c.Schedule);
        Assert.Equal([60, 120, 160], c.StepMilestones);
        Assert.Equal((0.2, 1), (c.StepGamma, c.WarmupEpochs));
        // Keras l2 2e-4 adds 2e-4 |w|^2 to the loss: its gradient 4e-4 w is SGD weight decay 4e-4.
        Assert.Equal(2 * 2e-4, c.WeightDecay, 12);
        // lr 0.1 x 128/128 after warm-up; x0.2 after each of epochs 60, 120 and 160.
        var training = c.BaselineTraining;
        Assert.Equal(0.1, training.LearningRateAt(10), 12);
        Assert.Equal(0.1 * 0.2 * 0.2 * 0.2, training.LearningRateAt(170), 12);
    }

    [Fact]
    public void TinyImageNetAndCubLoadAtTheirPaperSides()
    {
        var tiny = Profiles.Get("paper-tinyimagenet");
        Assert.Equal(("tiny-imagenet", 64, 0, "resnet18"), (tiny.Dataset, tiny.ImageSize, tiny.CropSize, tiny.Model));
        Assert.Equal(200, DatasetCatalog.Info(tiny.Dataset).Classes);
        var cub = Profiles.Get("paper-cub200");
        Assert.Equal(("cub200", 256, 224, "random-resized-crop-flip"), (cub.Dataset, cub.ImageSize, cub.CropSize, cub.Augmentation));
        Assert.Equal(200, DatasetCatalog.Info(cub.Dataset).Classes);
        Assert.Contains("from scratch", Profiles.Find("paper-cub200").Assumes, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SummaryListsEpochsOfEveryStageRecipeAndSets()
    {
        var all = ProfileSummary.All();
        Assert.Equal(Profiles.All.Count, all.Count);
        var wrn = all.Single(p => p.Name == "paper-cifar10-wrn");
        Assert.Equal(("wrn-28-10", 4, 200, 160, 160), (wrn.Model, wrn.Members, wrn.Epochs, wrn.ParentEpochs, wrn.SubnetEpochs));
        Assert.Equal("SGD lr 0.1, momentum 0.9 Nesterov, wd 4e-4, step x0.2 at 60/120/160, warm-up 1, batch 128", wrn.Optimiser);
        Assert.Equal("cifar100", wrn.Ood);
        var cub = all.Single(p => p.Name == "paper-cub200");
        Assert.Equal("random-resized-crop-flip 256 -> 224, centre crop at test", cub.Augmentation);
        Assert.Equal("none", cub.Ood);
        Assert.Contains("1,000 test images", cub.Shift);
    }

    [Fact]
    public void CropLargerThanTheImageIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => (Profiles.PaperCub200 with { ImageSize = 128 }).Validate());
        Assert.Contains("cropSize 224", e.Message);
        Assert.Contains("augmentation", Assert.Throws<ArgumentException>(() => (Profiles.PaperCub200 with { Augmentation = "mixup" }).Validate()).Message);
    }

    [Fact]
    public void ClassroomIsRegisteredValidAndSplitsEveryLayerEvenly()
    {
        var classroom = Profiles.Get("classroom");
        classroom.Validate();
        Assert.Equal("classroom", classroom.Profile);
        // Every hidden layer deals its units into M equal groups, and the subset is smaller than the cpu profile's full split.
        Assert.All(classroom.Widths, w => Assert.Equal(0, w % classroom.Members));
        Assert.InRange(classroom.TrainSamples, 1, 54_999);
        Assert.Contains(Profiles.All, p => p.Name == "classroom" && p.Assumes.Contains("walkthrough"));
    }
}
