using System.ComponentModel;
using SubnetNotebooks.Experiments;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli.Commands;

/// <summary>Options shared by the verbs that run experiments: profile, config file, overrides.</summary>
public class ExperimentSettings : CommandSettings
{
    [CommandOption("--profile <NAME>")]
    [Description("smoke, cpu, paper-cifar10, paper-cifar100, paper-cifar10-wrn, paper-cifar100-wrn, paper-tinyimagenet, paper-cub200 (paper = paper-cifar10); `subnet profiles` lists them. Default: SUBNET_PROFILE, else cpu.")]
    public string? Profile { get; init; }

    [CommandOption("--config <FILE>")]
    [Description("A saved config.json (e.g. runs/NAME/config.json) to re-run exactly; options below still override it.")]
    public string? Config { get; init; }

    [CommandOption("--dataset <NAME>")]
    [Description("fashion-mnist, mnist, digits, cifar10, cifar100, cub200, tiny-imagenet.")]
    public string? Dataset { get; init; }

    [CommandOption("--members <M>")]
    [Description("Ensemble size M.")]
    public int? Members { get; init; }

    [CommandOption("--seed <S>")]
    [Description("Seed of weights, batch order, masks and dropout.")]
    public long? Seed { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("auto (CUDA when available), cpu or cuda.")]
    public string? Device { get; init; }

    [CommandOption("--threads <N>")]
    [Description("CPU threads for libtorch.")]
    public int? Threads { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Folder searched first for datasets (also SUBNET_DATA).")]
    public string? DataDir { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Run folder (default: runs/<profile>-<dataset>-m<M>-seed<S>). An existing one is resumed.")]
    public string? Out { get; init; }

    [CommandOption("--no-wait")]
    [Description("Fail at once when another process is training a run of this run folder, instead of waiting for it (also SUBNET_NO_WAIT=1).")]
    public bool NoWait { get; init; }

    [CommandOption("--set <KEY=VALUE>")]
    [Description("Override one config field, e.g. --set lr=0.1 --set widths=256,256 (repeatable).")]
    public string[] Set { get; init; } = [];

    /// <summary>The profile (or --config file), then the named options, then every --set.</summary>
    public ExperimentConfig BuildConfig()
    {
        if (NoWait) Environment.SetEnvironmentVariable(SubnetNotebooks.Training.TrainingLock.NoWaitVariable, "1");
        var config = Config is not null ? ExperimentConfig.Load(Config) : Profiles.Get(Profile);
        if (Dataset is not null) config = config with { Dataset = Dataset };
        if (Members is not null) config = config with { Members = Members.Value };
        if (Seed is not null) config = config with { Seed = Seed.Value };
        if (Device is not null) config = config with { Device = Device };
        if (Threads is not null) config = config with { Threads = Threads.Value };
        if (DataDir is not null) config = config with { DataDir = DataDir };
        foreach (var pair in Set)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--set {pair}: expected KEY=VALUE, e.g. --set lr=0.1.");
            config = config.Set(pair[..eq].Trim(), pair[(eq + 1)..].Trim());
        }
        return config;
    }
}
