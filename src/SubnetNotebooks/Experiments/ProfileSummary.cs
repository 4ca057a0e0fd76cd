using System.Globalization;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments;

/// <summary>One line of `subnet profiles`: what a profile trains, how long, with which recipe, and what it assumes.</summary>
/// <param name="Name">profile name</param>
/// <param name="Dataset">in-distribution dataset</param>
/// <param name="Model">model family and widths, e.g. "resnet18 64-128-256-512", "wrn-28-10"</param>
/// <param name="Members">ensemble size M</param>
/// <param name="Epochs">epochs of the baselines (single, MC dropout, every deep member, the efficient ensembles)</param>
/// <param name="ParentEpochs">epochs of the parent network</param>
/// <param name="SubnetEpochs">epochs of every subnetwork</param>
/// <param name="Optimiser">optimiser, learning rate, schedule, weight decay, batch size</param>
/// <param name="Augmentation">training-time augmentation (and image / crop sides when cropped)</param>
/// <param name="Ood">out-of-distribution set ("none" when not configured)</param>
/// <param name="Shift">what the shift metrics are measured on</param>
/// <param name="Assumes">the profile's one line on what it assumes</param>
public sealed record ProfileSummary(string Name, string Dataset, string Model, int Members, int Epochs, int ParentEpochs, int SubnetEpochs,
    string Optimiser, string Augmentation, string Ood, string Shift, string Assumes)
{
    /// <summary>Every registered profile, in registry order.</summary>
    public static IReadOnlyList<ProfileSummary> All() => Profiles.All.Select(Of).ToArray();

    /// <summary>The summary of <paramref name="profile"/>.</summary>
    public static ProfileSummary Of(Profile profile)
    {
        var c = profile.Create();
        return new ProfileSummary(profile.Name, c.Dataset, ModelOf(c), c.Members, c.Epochs, c.ParentEpochs, c.SubnetEpochs,
            OptimiserOf(c), AugmentationOf(c), string.IsNullOrEmpty(c.OodDataset) ? "none" : c.OodDataset,
            c.ShiftSamples > 0 ? $"kit corruptions x 5 severities, {c.ShiftSamples:N0} test images" : "none", profile.Assumes);
    }

    /// <summary>"wrn-28-10" or the family with its widths joined by dashes.</summary>
    public static string ModelOf(ExperimentConfig c) =>
        c.Model == "wrn" ? $"wrn-{c.Depth}-{c.WidthFactor}" : $"{c.Model} {string.Join("-", c.Widths)}";

    /// <summary>e.g. "SGD lr 0.1, momentum 0.9 Nesterov, wd 4e-4, step x0.2 at 60/120/160, warm-up 1, batch 128".</summary>
    public static string OptimiserOf(ExperimentConfig c)
    {
        static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        var schedule = c.Schedule switch
        {
            LearningRateSchedule.Step => $"step x{N(c.StepGamma)} at {string.Join("/", c.StepMilestones)}",
            LearningRateSchedule.Cosine => "cosine",
            _ => "constant",
        };
        return $"SGD lr {N(c.LearningRate)}, momentum {N(c.Momentum)}{(c.Nesterov ? " Nesterov" : "")}, wd {c.WeightDecay.ToString("0.##e0", CultureInfo.InvariantCulture)}, " +
            $"{schedule}{(c.WarmupEpochs > 0 ? $", warm-up {c.WarmupEpochs}" : "")}, batch {c.BatchSize}";
    }

    /// <summary>e.g. "crop-flip (pad 4)", "random-resized-crop-flip 256 -> 224, centre crop at test", "none".</summary>
    public static string AugmentationOf(ExperimentConfig c)
    {
        var crop = c.CropSize > 0 ? $" {c.ImageSize} -> {c.CropSize}, centre crop at test" : "";
        if (!c.Augment) return "none" + crop;
        return c.Augmentation switch
        {
            "crop-flip" => "pad-4 crop + flip" + crop,
            "" => "the dataset's usual" + crop,
            var kind => kind + crop,
        };
    }
}
