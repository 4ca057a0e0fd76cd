using SubnetNotebooks.Experiments;
using SubnetNotebooks.Models;
using Xunit;

namespace SubnetNotebooks.Tests.Experiments;

/// <summary>`subnet plan` of every paper profile fits a 24 GB machine: a step that would not fit is timed at a smaller batch, saying so.</summary>
public class PlanMemoryTests
{
    const long TwentyFourGb = 24L << 30;

    // Conv outputs of one 224x224 image, by hand. CIFAR stem: stem + stage 1 (5 convs) at 224^2 x 64, stage 2 (4 convs + projection)
    // at 112^2 x 128, stage 3 at 56^2 x 256, stage 4 at 28^2 x 512, plus the 200 logits.
    const long CifarStem224 = 5L * 224 * 224 * 64 + 5L * 112 * 112 * 128 + 5L * 56 * 56 * 256 + 5L * 28 * 28 * 512 + 200;
    // torchvision's stem: conv1 at 112^2 x 64, then the same stages at 56, 28, 14 and 7 (stage 1 has 4 convs, no projection).
    const long ImageNetStem224 = 112L * 112 * 64 + 4L * 56 * 56 * 64 + 5L * 28 * 28 * 128 + 5L * 14 * 14 * 256 + 5L * 7 * 7 * 512 + 200;

    [Fact]
    public void ActivationsOfBothStemsAreCountedAsByHand()
    {
        using var cifar = ModelFactory.Create(new ModelSpec("resnet18", []), 3, 224, 224, 200);
        Assert.Equal(CifarStem224, RunPlanner.ActivationsPerExample(cifar));
        using var imagenet = ModelFactory.Create(new ModelSpec("tv-resnet18", []), 3, 224, 224, 200);
        Assert.Equal(ImageNetStem224, RunPlanner.ActivationsPerExample(imagenet));
    }

    [Fact]
    public void Cub200OnTheCifarStemIsTimedAtAReducedBatchAndTorchvisionsStemAtItsOwn()
    {
        var cub = Profiles.PaperCub200;
        var (_, model) = RunPlanner.Shapes(cub);
        Assert.Equal("tv-resnet18", cub.Model);
        var (batch, note) = RunPlanner.TimingBatch(cub, model, TwentyFourGb);
        Assert.Equal(64, batch); // 64 x 16 B x ImageNetStem224 = 2.4 GB
        Assert.Null(note);

        var cifarStem = cub with { Model = "resnet18" };
        (batch, note) = RunPlanner.TimingBatch(cifarStem, model, TwentyFourGb);
        // 16 B x CifarStem224 = 0.48 GB an image; 80% of 24 GiB holds 42 images: 64 halves to 32.
        Assert.Equal(32, batch);
        Assert.Contains("timed at batch 32 and scaled by 2", note);
    }

    [Fact]
    public void EveryPaperProfileTimesAStepThatFitsTwentyFourGb()
    {
        foreach (var profile in Profiles.All.Where(p => p.Name.StartsWith("paper-", StringComparison.Ordinal)))
        {
            var config = profile.Create();
            var (_, model) = RunPlanner.Shapes(config);
            var (batch, _) = RunPlanner.TimingBatch(config, model, TwentyFourGb);
            using var network = ModelFactory.Create(new ModelSpec(config.Model, config.Widths), model.Channels, model.ImageSize, model.ImageSize, model.Classes);
            Assert.True(RunPlanner.ActivationsPerExample(network) * 16 * batch <= TwentyFourGb, $"{profile.Name} times batch {batch}");
        }
    }
}
