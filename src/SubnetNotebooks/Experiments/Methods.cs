using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Weights;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>Builds each method of --methods from an <see cref="ExperimentConfig"/>.</summary>
public static class Methods
{
    /// <summary>Every method name `--methods` accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["single", "mcdropout", "deep", "subnet", "subnet-budget", "deep-budget", "batchensemble", "mimo", "masksembles", "packed", "overlap"];

    /// <summary>Methods that split a parent into subnetworks (each layer needs at least M units).</summary>
    public static IReadOnlyList<string> Splitting { get; } = ["subnet", "subnet-budget", "overlap"];

    /// <summary>Epochs of each deep-budget member: E / M rounded, at least 1, so the M members together train about E epochs.</summary>
    public static int DeepBudgetEpochs(ExperimentConfig config) => BudgetedDeepEnsemble.MemberEpochs(config.Epochs, config.Members);

    /// <summary>
    /// The configured model family, seeded, for images of <paramref name="info"/>; with a pretrained file, every network
    /// it builds starts from those weights (skipped layers keep the seeded initialisation).
    /// </summary>
    public static ModelRecipe Recipe(ExperimentConfig config, DatasetInfo info) => (seed, dropout) =>
    {
        manual_seed(seed);
        var model = ModelFactory.Create(new ModelSpec(config.Model, config.Widths, dropout, config.Depth, config.WidthFactor),
            info.Channels, info.ImageSize, info.ImageSize, info.Classes);
        if (config.Pretrained.Length == 0) return model;
        try { PretrainedWeights.Load(model, config.Pretrained, config.PretrainedSkip); }
        catch { model.Dispose(); throw; }
        return model;
    };

    /// <summary>Methods that build their own architecture, which a pretrained state dict of the configured one cannot initialise.</summary>
    static readonly string[] OwnArchitectures = ["mimo", "packed"];

    /// <summary>The configured model family without dropout (the efficient ensembles' base architecture).</summary>
    public static ModelSpec Spec(ExperimentConfig config) => new(config.Model, config.Widths, 0, config.Depth, config.WidthFactor);

    /// <summary>The subnetwork settings of <paramref name="config"/> (criterion, partition, granularity, inherit, execution).</summary>
    public static SubnetworkSettings SubnetSettings(ExperimentConfig config) => new(
        config.Members, Parse<PruningCriterion>(config.Criterion, "criterion"), Parse<PartitionStrategy>(config.Partition, "partition"),
        Parse<MaskGranularity>(config.Granularity, "granularity"), config.Inherit, Parse<SubnetworkExecution>(config.Execution, "execution"));

    /// <summary>An untrained ensemble of method <paramref name="method"/>.</summary>
    /// <param name="mcDropoutSeconds">MC dropout's measured training seconds in this run (null: not trained yet): the budget of subnet-budget
    /// with budgetCurrency=seconds, and the seconds ratio every equal-budget row reports</param>
    /// <param name="method">one of <see cref="Names"/></param>
    /// <param name="config">the experiment's settings (model, epochs, optimiser, subnetwork settings)</param>
    /// <param name="info">the dataset's shape and classes, which size the network</param>
    public static IEnsemble Create(string method, ExperimentConfig config, DatasetInfo info, Func<double?>? mcDropoutSeconds = null)
    {
        var recipe = Recipe(config, info);
        var name = method.Trim().ToLowerInvariant();
        if (config.Pretrained.Length > 0 && OwnArchitectures.Contains(name))
            throw new ArgumentException(
                $"pretrained {config.Pretrained} initialises networks of the configured architecture; method '{name}' builds its own " +
                "(several inputs and heads, or grouped layers) and cannot start from it. Drop it from --methods or unset pretrained.");
        return name switch
        {
            "single" => new SingleModel(recipe, config.BaselineTraining, config.Seed),
            "mcdropout" => new McDropout(recipe, config.BaselineTraining, config.Members, config.Seed, config.Dropout),
            "deep" => new DeepEnsemble(recipe, config.BaselineTraining, config.Members, config.Seed),
            "subnet" => new SubnetworkEnsemble(recipe, config.ParentTraining, config.SubnetTraining, SubnetSettings(config), config.Seed, config.ParentDropout),
            "subnet-budget" => new BudgetedSubnetworkEnsemble(recipe, config.ParentTraining, config.SubnetTraining, SubnetSettings(config), config.Seed,
                config.ParentDropout, config.BaselineTraining, config.Dropout, mcDropoutSeconds ?? (() => null), TrainingBudget.ParseCurrency(config.BudgetCurrency)),
            "deep-budget" => new BudgetedDeepEnsemble(recipe, config.BaselineTraining, config.Members, config.Seed, mcDropoutSeconds ?? (() => null),
                TrainingBudget.ParseCurrency(config.BudgetCurrency)),
            "batchensemble" => new BatchEnsemble(recipe, config.BaselineTraining, config.Members, config.Seed),
            "mimo" => new Mimo(Spec(config), info.Channels, info.ImageSize, info.ImageSize, info.Classes, config.BaselineTraining, config.Members,
                config.Seed, config.MimoInputRepetition, config.MimoBatchRepetition),
            "masksembles" => new Masksembles(recipe, config.BaselineTraining, config.Members, config.Seed, config.MasksemblesScale),
            "packed" => new PackedEnsemble(Spec(config), info.Channels, info.ImageSize, info.ImageSize, info.Classes, config.BaselineTraining, config.Members,
                config.Seed, config.PackedAlpha, config.PackedGamma),
            "overlap" => new OverlapEnsemble(recipe, config.BaselineTraining, config.Members, config.Seed, config.Overlap),
            _ => throw new ArgumentException($"Unknown method '{method}' in --methods: use {string.Join(", ", Names)}."),
        };
    }

    static T Parse<T>(string value, string field) where T : struct, Enum =>
        Enum.TryParse<T>(value.Replace("-", "").Replace("_", ""), ignoreCase: true, out var parsed) ? parsed
            : throw new ArgumentException($"{field} '{value}' is unknown: use {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))} (--set {field}=...).");
}
