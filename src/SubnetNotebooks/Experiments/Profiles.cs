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
            "cpu-cnn" => CpuCnn,
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

    /// <summary>
    /// The convolutional evidence on 2 cores: full Fashion-MNIST, SmallCnn 16-32-64 (24,058 parameters; each of the M = 4
    /// subnetworks 4-8-16, trained fused as one grouped network), baselines 8 epochs, parent 4, subnetworks 8, and the
    /// equal-budget rows (subnet-budget, deep-budget: 4 members x 2 epochs). Sizing: DESIGN.md's idle figure for a CNN
    /// 32-64-128 on 28x28 (146 ms a step on 2 threads, batch 128) scaled by the kit's short timings of 15 steps on 2 threads
    /// (dense 16-32-64 at 0.70x the CPU time of 32-64-128 a step; its 4 fused members at 1.0-1.8x a parent step), taken
    /// while about 35 other jobs loaded the 2 cores (wall times of 2.5-5 s a step there, so only the ratios were used):
    /// about 50-100 ms a step, 21-44 s an epoch of 430 steps. The six methods train about 78 parent-epoch equivalents
    /// (single 8, mcdropout 8, deep 32, deep-budget 8, subnet 4 + 8 fused, subnet-budget about 8), 27 minutes a seed at
    /// 21 s an epoch; re-time first on an idle machine (subnet bench --only b --model smallcnn --widths 16,32,64) and lower
    /// epochs to 6 (parent 3) when an epoch takes over 22 s. With the cosine schedule the loss flattens in the last epochs.
    /// </summary>
    public static ExperimentConfig CpuCnn => new()
    {
        Profile = "cpu-cnn", Dataset = "fashion-mnist", OodDataset = "mnist",
        ValidationSamples = 5000, ShiftSamples = 1000,
        Model = "smallcnn", Widths = [16, 32, 64], Dropout = 0.1, Members = 4,
        Epochs = 8, ParentEpochs = 4, SubnetEpochs = 8, BatchSize = 128, LearningRate = 0.05,
        Methods = ["single", "mcdropout", "deep", "subnet", "subnet-budget", "deep-budget"],
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
