namespace SubnetNotebooks.Experiments;

/// <summary>
/// The profiles (ARCHITECTURE.md#profiles). smoke: seconds, tiny subsets, what CI runs for every notebook.
/// cpu: minutes on 2 CPU cores on Fashion-MNIST, every method trained close to convergence.
/// paper: CIFAR-10 with ResNet-18 at the paper's scale on CUDA.
/// </summary>
public static class Profiles
{
    /// <summary>Profile names, in order of cost.</summary>
    public static IReadOnlyList<string> Names { get; } = ["smoke", "cpu", "paper"];

    /// <summary>The environment variable that picks a profile when none is passed.</summary>
    public const string EnvironmentVariable = "SUBNET_PROFILE";

    /// <summary>The profile named by <paramref name="name"/>, else by SUBNET_PROFILE, else cpu.</summary>
    public static ExperimentConfig Get(string? name = null)
    {
        name ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(name)) name = "cpu";
        return name.Trim().ToLowerInvariant() switch
        {
            "smoke" => Smoke,
            "cpu" => Cpu,
            "paper" => Paper,
            _ => throw new ArgumentException($"Unknown profile '{name}': use one of {string.Join(", ", Names)} (--profile or {EnvironmentVariable})."),
        };
    }

    /// <summary>Seconds: 1,200 training and 500 test images, a small MLP, one epoch each.</summary>
    public static ExperimentConfig Smoke => new()
    {
        Profile = "smoke", Dataset = "fashion-mnist", OodDataset = "mnist",
        TrainSamples = 1200, TestSamples = 500, ValidationSamples = 200, ShiftSamples = 100,
        Model = "mlp", Widths = [64, 64], Dropout = 0.2, Members = 2,
        Epochs = 1, ParentEpochs = 1, SubnetEpochs = 1, BatchSize = 64, LearningRate = 0.05,
    };

    /// <summary>
    /// Minutes on 2 cores: full Fashion-MNIST (55,000 train / 5,000 validation / 10,000 test), MLP 784-512-512-10,
    /// M = 4, 30 epochs for every network. Sized from measurements on 2 cores: an epoch of the MLP takes about 1.4 s
    /// (about 40,000 images/s) and all four fused subnetworks together about the same, so the four core methods take
    /// about 7 minutes; by epoch 30 the training loss has flattened under the cosine schedule (README.md#results-cpu-profile-3-seeds).
    /// </summary>
    public static ExperimentConfig Cpu => new()
    {
        Profile = "cpu", Dataset = "fashion-mnist", OodDataset = "mnist",
        ValidationSamples = 5000,
        Model = "mlp", Widths = [512, 512], Dropout = 0.2, Members = 4,
        Epochs = 30, ParentEpochs = 30, SubnetEpochs = 30, BatchSize = 128, LearningRate = 0.05,
    };

    /// <summary>CIFAR-10, ResNet-18 (CIFAR stem), M = 4, the usual 200-epoch SGD recipe with augmentation; for CUDA machines.</summary>
    public static ExperimentConfig Paper => new()
    {
        Profile = "paper", Dataset = "cifar10", OodDataset = "cifar100",
        ValidationSamples = 5000, Augment = true,
        Model = "resnet18", Widths = [64, 128, 256, 512], Dropout = 0.1, Members = 4,
        Epochs = 200, ParentEpochs = 200, SubnetEpochs = 100, BatchSize = 128, LearningRate = 0.1,
        WeightDecay = 5e-4, Threads = 0,
    };
}
