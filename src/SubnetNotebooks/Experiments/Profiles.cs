namespace SubnetNotebooks.Experiments;

/// <summary>
/// The named profiles (ARCHITECTURE.md#profiles), each with one line on what it assumes. smoke: seconds, what CI runs for every
/// notebook. cpu: minutes on 2 CPU cores on Fashion-MNIST. paper-*: one per experiment of the paper, for CUDA
/// machines (`subnet plan --profile NAME` says what one costs before it starts). "paper" is paper-cifar10.
/// </summary>
public static class Profiles
{
    /// <summary>Every profile, in order of cost within its family.</summary>
    public static IReadOnlyList<Profile> All { get; } =
    [
        new("smoke", "Seconds: 1,200 Fashion-MNIST images, a 64-64 MLP, one epoch of every stage; proves the pipeline runs, says nothing about the paper.", () => Smoke),
        new("classroom", "The teaching walkthrough 00-08 in minutes on 2 cores: 8,000 Fashion-MNIST training images, 5,000 test, MLP 784-256-256-10, M = 4, 10 epochs of every stage; the effects after temperature scaling are larger than seed noise.", () => Classroom),
        new("cpu", "Minutes on 2 cores: full Fashion-MNIST, MLP 784-512-512-10, 30 epochs of every stage (an epoch ~1.4 s), every method close to convergence.", () => Cpu),
        new("cpu-cnn", "About 12 minutes a seed on 2 idle cores: 20,000 Fashion-MNIST training images (stratified), SmallCnn 16-32-64 with M = 4 fused subnetworks 4-8-16, baselines 8 epochs, parent 4, subnetworks 8, plus the equal-budget rows (subnet-budget, deep-budget); the convolutional evidence.", () => CpuCnn),
        new("paper-cifar10", PaperAssumes("CIFAR-10", "CIFAR-100"), () => PaperCifar10),
        new("paper-cifar100", PaperAssumes("CIFAR-100", "CIFAR-10"), () => PaperCifar100),
        new("paper-cifar10-wrn", WrnAssumes("CIFAR-10"), () => Wrn(PaperCifar10, "paper-cifar10-wrn")),
        new("paper-cifar100-wrn", WrnAssumes("CIFAR-100"), () => Wrn(PaperCifar100, "paper-cifar100-wrn")),
        new("paper-tinyimagenet",
            "Tiny-ImageNet (100k train, 10k val as test, 200 classes) at 64x64, ResNet-18 CIFAR stem, pad-4 crop + flip; an epoch is ~8x a CIFAR " +
            "epoch (2x the images, 4x the pixels), so 100 baseline epochs, parent 80 + subnetworks 80 (= 100 full-model epochs at M = 4); no OOD set. " +
            "It keeps the CIFAR stem: torchvision's ImageNet stem would shrink 64-pixel images to 16x16 before the first stage and 2x2 at the last, " +
            "and the CIFAR stem at 64 pixels costs ~4.4 GFLOPs an image (2 x multiply-adds), about what torchvision's ResNet-18 costs at 224 (3.6).",
            () => PaperTinyImageNet),
        new("paper-cub200",
            "CUB-200-2011 (5,994 train, 5,794 test, 200 classes), resized to 256, random-resized crop 224 + flip for training, centre crop 224 for " +
            "test, torchvision's ResNet-18 (model=tv-resnet18: ImageNet stem, 7x7 stride-2 convolution + max-pool, ~3.6 GFLOPs an image; the " +
            "CIFAR stem would cost ~54 GFLOPs and ~30 GB of activations a batch); batch 64 at lr 0.05; no OOD set. The paper's setting (fine-grained " +
            "CUB-200 is trained from ImageNet weights) implies torchvision's ImageNet-1k ResNet-18 weights: make the file with python3 -c \"import torch, " +
            "torchvision; torch.save(torchvision.models.resnet18(weights='IMAGENET1K_V1').state_dict(), 'resnet18-imagenet.pt')\" and pass " +
            "--set pretrained=resnet18-imagenet.pt --set pretrainedSkip=fc; without it, trained from scratch (accuracy far below fine-tuned results).",
            () => PaperCub200),
    ];

    /// <summary>Other names for profiles: "paper" is paper-cifar10.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string> { ["paper"] = "paper-cifar10" };

    /// <summary>Every profile name and alias that <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name), .. Aliases.Keys];

    /// <summary>The environment variable that picks a profile when none is passed.</summary>
    public const string EnvironmentVariable = "SUBNET_PROFILE";

    /// <summary>The profile named by <paramref name="name"/> (or an alias), else by SUBNET_PROFILE, else cpu.</summary>
    public static ExperimentConfig Get(string? name = null) => Find(name).Create();

    /// <summary>The registry entry of <paramref name="name"/> (or an alias), else of SUBNET_PROFILE, else of cpu.</summary>
    public static Profile Find(string? name = null)
    {
        name ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(name)) name = "cpu";
        var key = name.Trim().ToLowerInvariant();
        if (Aliases.TryGetValue(key, out var target)) key = target;
        return All.FirstOrDefault(p => p.Name == key)
            ?? throw new ArgumentException($"Unknown profile '{name}': use one of {string.Join(", ", Names)} (--profile or {EnvironmentVariable}); `subnet profiles` lists them.");
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
    /// The teaching walkthrough: every notebook 00-08 in about ten minutes on 2 cores. 8,000 training (a class-stratified
    /// subset), 2,000 validation and 5,000 test images, MLP 784-256-256-10, M = 4, 10 epochs of every stage. Sizing: an epoch
    /// of 8,000 images took 0.1-0.15 s on 2 threads when the cores were free (about 60,000 images/s) and 2-19 s while other
    /// jobs loaded them; notebooks 04 and 08 train about ten networks each. `subnet reproduce --profile classroom --seeds 0,1`
    /// (shared, loaded machine) kept the paper's effects above seed noise: NLL after temperature scaling 0.3955 ± 0.0008 for
    /// the subnetwork ensemble against 0.4012 ± 0.0007 for MC dropout and 0.3918 ± 0.0007 for the deep ensemble, every
    /// ensemble more accurate than its mean member; before scaling MC dropout's NLL is lower (0.4042 against 0.4119), as in the cpu profile.
    /// </summary>
    public static ExperimentConfig Classroom => new()
    {
        Profile = "classroom", Dataset = "fashion-mnist", OodDataset = "mnist",
        TrainSamples = 8000, TestSamples = 5000, ValidationSamples = 2000, ShiftSamples = 1000,
        Model = "mlp", Widths = [256, 256], Dropout = 0.2, Members = 4,
        Epochs = 10, ParentEpochs = 10, SubnetEpochs = 10, BatchSize = 128, LearningRate = 0.05,
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
    /// The convolutional evidence on 2 cores: 20,000 Fashion-MNIST training images (a stratified subset; the full 10,000 test
    /// images), SmallCnn 16-32-64 (24,058 parameters; each of the M = 4 subnetworks 4-8-16, trained fused as one grouped
    /// network), baselines 8 epochs, parent 4, subnetworks 8, and the equal-budget rows (subnet-budget, deep-budget: 4
    /// members x 2 epochs). Sizing, measured on an idle 2-core AMD EPYC: an epoch of the dense network (157 steps of batch
    /// 128, 2 threads) takes about 8.7 s, the 4 members' epoch (fused or one after another, as execution=auto picks) about
    /// as long. The six methods train about 78 parent-epoch equivalents (single 8, mcdropout 8, deep 32, deep-budget 8,
    /// subnet 4 + 8, subnet-budget about 8): about 11 minutes of training a seed, plus evaluation. On the full 55,000
    /// images the same run takes about 30 minutes of training a seed (--set trainSamples=0).
    /// A loaded machine is far slower than its share of the cores suggests: libtorch's worker threads wait for each
    /// other, so time a seed with nothing else running.
    /// </summary>
    public static ExperimentConfig CpuCnn => new()
    {
        Profile = "cpu-cnn", Dataset = "fashion-mnist", OodDataset = "mnist",
        ValidationSamples = 5000, TrainSamples = 20000, ShiftSamples = 1000,
        Model = "smallcnn", Widths = [16, 32, 64], Dropout = 0.1, Members = 4,
        Epochs = 8, ParentEpochs = 4, SubnetEpochs = 8, BatchSize = 128, LearningRate = 0.05,
        Methods = ["single", "mcdropout", "deep", "subnet", "subnet-budget", "deep-budget"],
    };

    /// <summary>The old name of <see cref="PaperCifar10"/>.</summary>
    public static ExperimentConfig Paper => PaperCifar10;

    /// <summary>
    /// CIFAR-10, ResNet-18 (CIFAR stem), M = 4, SGD lr 0.1, momentum 0.9, weight decay 5e-4, cosine over 200 epochs,
    /// pad-4 crop + flip; OOD CIFAR-100. The parent and every subnetwork train 160 epochs each: M compact subnetworks
    /// together cost about 1/M of the parent a step, so 160 + 160/4 = 200 full-model epochs, MC dropout's budget.
    /// </summary>
    public static ExperimentConfig PaperCifar10 => new()
    {
        Profile = "paper-cifar10", Dataset = "cifar10", OodDataset = "cifar100",
        ValidationSamples = 5000, Augment = true, Augmentation = "crop-flip",
        Model = "resnet18", Widths = [64, 128, 256, 512], Dropout = 0.1, Members = 4,
        Epochs = 200, ParentEpochs = 160, SubnetEpochs = 160, BatchSize = 128, LearningRate = 0.1,
        Momentum = 0.9, WeightDecay = 5e-4, Schedule = Training.LearningRateSchedule.Cosine, Threads = 0,
    };

    /// <summary>As <see cref="PaperCifar10"/> on CIFAR-100 (fine labels) with CIFAR-10 as the OOD set.</summary>
    public static ExperimentConfig PaperCifar100 => PaperCifar10 with { Profile = "paper-cifar100", Dataset = "cifar100", OodDataset = "cifar10" };

    /// <summary>
    /// WRN-28-10 with uncertainty-baselines' baselines/cifar recipe: 200 epochs, batch 128 at lr 0.1 (their base rate
    /// at batch 128, scaled by batch/128), Nesterov momentum 0.9, step decay x0.2 at epochs 60, 120 and 160, one warm-up
    /// epoch, Keras l2 2e-4 (a loss term 2e-4 |w|^2, whose gradient is SGD weight decay 4e-4); pad-4 crop + flip.
    /// </summary>
    static ExperimentConfig Wrn(ExperimentConfig cifar, string name) => cifar with
    {
        Profile = name, Model = "wrn", Depth = 28, WidthFactor = 10, Widths = [16, 160, 320, 640],
        Nesterov = true, WeightDecay = 4e-4, Schedule = Training.LearningRateSchedule.Step, StepMilestones = [60, 120, 160],
        StepGamma = 0.2, WarmupEpochs = 1,
    };

    /// <summary>Tiny-ImageNet at 64x64 with ResNet-18; 100 baseline epochs, parent and subnetworks 80 each (see the registry line).</summary>
    public static ExperimentConfig PaperTinyImageNet => PaperCifar10 with
    {
        Profile = "paper-tinyimagenet", Dataset = "tiny-imagenet", OodDataset = "", ImageSize = 64,
        Epochs = 100, ParentEpochs = 80, SubnetEpochs = 80,
    };

    /// <summary>CUB-200 at 256 with 224 crops, torchvision's ResNet-18 (from scratch unless pretrained is set), batch 64 at lr 0.05, 200 baseline epochs, parent and subnetworks 160.</summary>
    public static ExperimentConfig PaperCub200 => PaperCifar10 with
    {
        Profile = "paper-cub200", Dataset = "cub200", Model = "tv-resnet18", Widths = [], OodDataset = "", ImageSize = 256, CropSize = 224,
        Augmentation = "random-resized-crop-flip", ValidationSamples = 600, ShiftSamples = 1000, BatchSize = 64, LearningRate = 0.05,
    };

    static string PaperAssumes(string dataset, string ood) =>
        $"{dataset} (45k train, 5k validation, 10k test), ResNet-18 CIFAR stem, SGD lr 0.1 momentum 0.9 wd 5e-4, cosine, pad-4 crop + flip, " +
        $"200 baseline epochs; parent 160 + subnetworks 160 = 200 full-model epochs at M = 4 (MC dropout's budget); OOD {ood}; a CUDA GPU.";

    static string WrnAssumes(string dataset) =>
        $"{dataset} with WRN-28-10 and uncertainty-baselines' recipe (200 epochs, batch 128, lr 0.1, Nesterov 0.9, x0.2 at 60/120/160, " +
        "1 warm-up epoch, l2 2e-4 = wd 4e-4): the rows compare with PAPER.md's reference table; the 160-epoch parent and subnetworks see the first two decays.";
}

/// <summary>A named profile: the defaults of one experiment and one line on what it assumes.</summary>
/// <param name="Name">what --profile and SUBNET_PROFILE take</param>
/// <param name="Assumes">one line: data, model, recipe and why its epochs are what they are</param>
/// <param name="Build">makes a fresh config (configs hold arrays, so every caller gets its own)</param>
public sealed record Profile(string Name, string Assumes, Func<ExperimentConfig> Build)
{
    /// <summary>A fresh copy of this profile's config.</summary>
    public ExperimentConfig Create() => Build();
}
