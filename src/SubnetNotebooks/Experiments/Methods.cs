using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>Builds each method of --methods from an <see cref="ExperimentConfig"/>.</summary>
public static class Methods
{
    /// <summary>Every method name `--methods` accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["single", "mcdropout", "deep", "subnet"];

    /// <summary>The configured model family, seeded, for images of <paramref name="info"/>.</summary>
    public static ModelRecipe Recipe(ExperimentConfig config, DatasetInfo info) => (seed, dropout) =>
    {
        manual_seed(seed);
        return ModelFactory.Create(new ModelSpec(config.Model, config.Widths, dropout, config.Depth, config.WidthFactor),
            info.Channels, info.ImageSize, info.ImageSize, info.Classes);
    };

    /// <summary>The subnetwork settings of <paramref name="config"/> (criterion, partition, granularity, inherit, execution).</summary>
    public static SubnetworkSettings SubnetSettings(ExperimentConfig config) => new(
        config.Members, Parse<PruningCriterion>(config.Criterion, "criterion"), Parse<PartitionStrategy>(config.Partition, "partition"),
        Parse<MaskGranularity>(config.Granularity, "granularity"), config.Inherit, Parse<SubnetworkExecution>(config.Execution, "execution"));

    /// <summary>An untrained ensemble of method <paramref name="method"/>.</summary>
    public static IEnsemble Create(string method, ExperimentConfig config, DatasetInfo info)
    {
        var recipe = Recipe(config, info);
        return method.Trim().ToLowerInvariant() switch
        {
            "single" => new SingleModel(recipe, config.BaselineTraining, config.Seed),
            "mcdropout" => new McDropout(recipe, config.BaselineTraining, config.Members, config.Seed, config.Dropout),
            "deep" => new DeepEnsemble(recipe, config.BaselineTraining, config.Members, config.Seed),
            "subnet" => new SubnetworkEnsemble(recipe, config.ParentTraining, config.SubnetTraining, SubnetSettings(config), config.Seed, config.ParentDropout),
            _ => throw new ArgumentException($"Unknown method '{method}' in --methods: use {string.Join(", ", Names)}."),
        };
    }

    static T Parse<T>(string value, string field) where T : struct, Enum =>
        Enum.TryParse<T>(value.Replace("-", "").Replace("_", ""), ignoreCase: true, out var parsed) ? parsed
            : throw new ArgumentException($"{field} '{value}' is unknown: use {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))} (--set {field}=...).");
}
