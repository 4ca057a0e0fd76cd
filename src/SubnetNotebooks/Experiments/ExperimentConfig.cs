using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// Every choice of one experiment. A profile (<see cref="Profiles"/>) gives the defaults,
/// <see cref="Load"/> reads a saved config.json so a run can be repeated exactly, and
/// <see cref="Set"/> overrides one field by its JSON name (or a short alias such as lr).
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>Profile the defaults came from (see <see cref="Profiles"/>): smoke, cpu, paper-cifar10, ...</summary>
    public string Profile { get; init; } = "cpu";
    /// <summary>In-distribution dataset (see DatasetCatalog): fashion-mnist, mnist, digits, cifar10, cifar100, cub200, tiny-imagenet.</summary>
    public string Dataset { get; init; } = "fashion-mnist";
    /// <summary>Out-of-distribution dataset for OOD metrics ("" for none).</summary>
    public string OodDataset { get; init; } = "mnist";
    /// <summary>Dataset folder searched first ("" for the catalogue's search order).</summary>
    public string DataDir { get; init; } = "";
    /// <summary>Require the official record counts of CIFAR files (10,000 per CIFAR-10 batch); false accepts any whole number of records (subsets, small test files).</summary>
    public bool OfficialSizes { get; init; } = true;
    /// <summary>Training samples used (0: all).</summary>
    public int TrainSamples { get; init; }
    /// <summary>Test samples used (0: all).</summary>
    public int TestSamples { get; init; }
    /// <summary>Samples held out from training for validation (temperature scaling, per-epoch validation).</summary>
    public int ValidationSamples { get; init; } = 5000;
    /// <summary>Test images evaluated under every corruption and severity (0: no shift evaluation).</summary>
    public int ShiftSamples { get; init; } = 2000;
    /// <summary>
    /// Corrupted images of the shift metrics: auto (the published CIFAR-10-C / CIFAR-100-C / Tiny-ImageNet-C when found
    /// in a data dir, else the kit's synthetic corruptions) or synthetic (always the kit's).
    /// </summary>
    public string ShiftBenchmark { get; init; } = "auto";
    /// <summary>Side the images of resized datasets (CUB-200, Tiny-ImageNet) are loaded at; see <see cref="CropSize"/> for what the network sees.</summary>
    public int ImageSize { get; init; } = 64;
    /// <summary>
    /// Side of the crop the network sees (0: the images as loaded): training takes a random crop of this side from the
    /// <see cref="ImageSize"/> images, validation, test and OOD images their centre crop. CUB-200: 224 of 256.
    /// </summary>
    public int CropSize { get; init; }
    /// <summary>Training-time augmentation on (the kind is <see cref="Augmentation"/>).</summary>
    public bool Augment { get; init; }
    /// <summary>
    /// Kind of augmentation when <see cref="Augment"/> is on: "crop-flip" (zero-pad 4, random crop, flip; CIFAR,
    /// Tiny-ImageNet), "random-resized-crop-flip" (a random <see cref="CropSize"/> crop of the resized image + flip;
    /// CUB-200), or "" for the dataset's usual one.
    /// </summary>
    public string Augmentation { get; init; } = "";

    /// <summary>Model family: mlp, smallcnn, resnet18, wrn.</summary>
    public string Model { get; init; } = "mlp";
    /// <summary>Hidden widths (mlp), conv channels (smallcnn) or stage widths (resnet18).</summary>
    public int[] Widths { get; init; } = [512, 512];
    /// <summary>WideResNet depth.</summary>
    public int Depth { get; init; } = 28;
    /// <summary>WideResNet width factor.</summary>
    public int WidthFactor { get; init; } = 10;
    /// <summary>Dropout rate of the MC-dropout model.</summary>
    public double Dropout { get; init; } = 0.2;
    /// <summary>Dropout rate of the parent network that is split into subnetworks.</summary>
    public double ParentDropout { get; init; }
    /// <summary>
    /// PyTorch state dict (.pt) that initialises every network of the configured architecture before training: the
    /// subnetwork ensemble's parent, the single and MC-dropout models and each deep-ensemble member ("" for none).
    /// Kit names or torchvision's ResNet-18 names.
    /// </summary>
    public string Pretrained { get; init; } = "";
    /// <summary>Layers of <see cref="Pretrained"/> left at their fresh initialisation, e.g. head, stem (stem conv and its BatchNorm).</summary>
    public string[] PretrainedSkip { get; init; } = [];

    /// <summary>Ensemble size M (subnetworks, deep-ensemble members, MC-dropout passes).</summary>
    public int Members { get; init; } = 4;
    /// <summary>Methods to run, in order: single, mcdropout, deep, subnet, subnet-budget, deep-budget, batchensemble, mimo, masksembles, packed, overlap.</summary>
    public string[] Methods { get; init; } = ["single", "mcdropout", "deep", "subnet"];

    /// <summary>Epochs of the single model, the MC-dropout model and every deep-ensemble member.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Epochs of the parent network.</summary>
    public int ParentEpochs { get; init; } = 10;
    /// <summary>Epochs of every subnetwork.</summary>
    public int SubnetEpochs { get; init; } = 10;
    /// <summary>Samples per training batch, for every network (evaluation batches take at least 256).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Base SGD learning rate of every network (of the subnetworks too unless <see cref="SubnetLearningRate"/> is set).</summary>
    public double LearningRate { get; init; } = 0.05;
    /// <summary>Learning rate of the subnetworks (0: the same as <see cref="LearningRate"/>).</summary>
    public double SubnetLearningRate { get; init; }
    /// <summary>SGD momentum, in [0, 1).</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Nesterov momentum (true, needs momentum &gt; 0) or classical momentum (false).</summary>
    public bool Nesterov { get; init; }
    /// <summary>SGD weight decay, added to each gradient as decay x weight (0: none).</summary>
    public double WeightDecay { get; init; } = 5e-4;
    /// <summary>How the learning rate changes over the epochs after warm-up: constant, cosine or step.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    /// <summary>Epochs (0-based) from which a step schedule multiplies the rate by <see cref="StepGamma"/> once more (empty: it never steps).</summary>
    public int[] StepMilestones { get; init; } = [];
    /// <summary>Factor a step schedule multiplies the rate by at each milestone, e.g. 0.1 or 0.2.</summary>
    public double StepGamma { get; init; } = 0.1;
    /// <summary>Epochs of linear warm-up towards the base rate before the schedule starts (0: none).</summary>
    public int WarmupEpochs { get; init; }
    /// <summary>Label smoothing of the cross-entropy loss, in [0, 1) (0: none).</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Batches per epoch cap (0: whole epochs); smoke runs only.</summary>
    public int MaxBatchesPerEpoch { get; init; }

    /// <summary>Pruning criterion that scores units: magnitude, random, taylor.</summary>
    public string Criterion { get; init; } = "magnitude";
    /// <summary>Partition strategy: roundrobin, greedy, random, antirandom.</summary>
    public string Partition { get; init; } = "roundrobin";
    /// <summary>Mask granularity: unit (structured) or weight (unstructured).</summary>
    public string Granularity { get; init; } = "unit";
    /// <summary>Subnetworks start from the parent's weights (true) or are re-initialised (false).</summary>
    public bool Inherit { get; init; } = true;
    /// <summary>
    /// How subnetworks train and run: auto (default: a few training steps of fused, fused-unfold and compact timed on the
    /// run's device, the fastest kept; recorded as cost.execution.* in metrics.json), fused (one grouped network, all members
    /// per pass, grouped convolutions), fused-unfold (the same with unfold + batched matmul), compact (thin networks one by one) or masked.
    /// </summary>
    public string Execution { get; init; } = "auto";
    /// <summary>
    /// What the equal-budget rows (subnet-budget, deep-budget) spend of MC dropout's training cost: flops (default: training FLOPs
    /// as executed, forward + backward, the same on every machine) or seconds (MC dropout's measured wall-clock seconds; needs
    /// mcdropout in the same run, or in a sweep the MC-dropout job, which the budget job then waits for).
    /// </summary>
    public string BudgetCurrency { get; init; } = "flops";

    /// <summary>Masksembles scale s in [1, 6]: 1 gives identical masks, larger values less overlap between members.</summary>
    public double MasksemblesScale { get; init; } = 2;
    /// <summary>MIMO input repetition ρ in [0, 1]: share of each batch that all members see in the same order.</summary>
    public double MimoInputRepetition { get; init; }
    /// <summary>MIMO batch repetition: times each batch is repeated with fresh shuffles (the paper uses 4 on CIFAR).</summary>
    public int MimoBatchRepetition { get; init; } = 1;
    /// <summary>Packed-Ensembles width factor α: each member has α/M of the base width.</summary>
    public double PackedAlpha { get; init; } = 2;
    /// <summary>Packed-Ensembles subgroups γ per member in every layer after the first.</summary>
    public int PackedGamma { get; init; } = 1;
    /// <summary>Mask overlap t in [0, 1] of the overlap method: 0 disjoint subnetworks, 1 independent dropout-like masks.</summary>
    public double Overlap { get; init; } = 0.5;

    /// <summary>Run seed: the data splits and subsets, batch orders, initial weights and masks all derive from it.</summary>
    public long Seed { get; init; }
    /// <summary>auto (CUDA when available), cpu or cuda.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>libtorch CPU threads (0: libtorch's default).</summary>
    public int Threads { get; init; } = 2;
    /// <summary>Datasets kept on the training device as uint8: auto (when they fit in <see cref="DeviceDataLimitMb"/>), on or off.</summary>
    public Data.DeviceDataMode DeviceData { get; init; } = Data.DeviceDataMode.Auto;
    /// <summary>Largest dataset (MB) that deviceData auto keeps on the device.</summary>
    public int DeviceDataLimitMb { get; init; } = 2048;
    /// <summary>Batches prepared ahead on a background thread: -1 auto (1 on CUDA, 0 on the CPU), 0 off, 1 or 2.</summary>
    public int Prefetch { get; init; } = -1;
    /// <summary>Deterministic algorithms (torch.use_deterministic_algorithms, deterministic cuDNN); slower on CUDA, may change on resume.</summary>
    public bool Deterministic { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lr"] = "learningRate", ["wd"] = "weightDecay", ["m"] = "members", ["epochs-parent"] = "parentEpochs",
        ["epochs-subnet"] = "subnetEpochs", ["batch"] = "batchSize", ["warmup"] = "warmupEpochs",
    };

    /// <summary>The config as indented JSON with camelCase names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses config JSON; unknown fields are an error naming the field.</summary>
    public static ExperimentConfig FromJson(string json, string source = "config") 
    {
        try { return JsonSerializer.Deserialize<ExperimentConfig>(json, Json) ?? throw new JsonException("empty document"); }
        catch (JsonException e) { throw new ArgumentException($"{source} is not a valid experiment config: {e.Message}", e); }
    }

    /// <summary>Reads a saved config.json (e.g. runs/NAME/config.json) so the run can be repeated exactly.</summary>
    public static ExperimentConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--config {path}: no such file. Pass the config.json of an earlier run folder.", path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Writes the config to <paramref name="path"/> as JSON.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>
    /// A copy with one field changed: <paramref name="key"/> is a JSON field name (case-insensitive) or an alias
    /// (lr, wd, m, batch, warmup); <paramref name="value"/> is JSON or a bare string; lists may be comma-separated.
    /// </summary>
    public ExperimentConfig Set(string key, string value)
    {
        var node = JsonNode.Parse(ToJson())!.AsObject();
        var name = Aliases.TryGetValue(key, out var alias) ? alias : key;
        var field = node.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name.Replace("-", ""), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--set {key}={value}: unknown field '{key}'. Fields: {string.Join(", ", node.Select(p => p.Key))}.");
        var current = node[field];
        JsonNode? parsed;
        if (current is JsonArray && !value.TrimStart().StartsWith('['))
        {
            var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            bool numeric = current.AsArray().Count == 0 ? items.All(i => double.TryParse(i, System.Globalization.CultureInfo.InvariantCulture, out _)) : current.AsArray()[0]!.GetValueKind() == JsonValueKind.Number;
            parsed = new JsonArray(items.Select(i => numeric ? JsonNode.Parse(i) : JsonValue.Create(i)).ToArray());
        }
        else if (current?.GetValueKind() == JsonValueKind.String)
            parsed = JsonValue.Create(value);
        else
        {
            try { parsed = JsonNode.Parse(value); }
            catch (JsonException) { parsed = JsonValue.Create(value); }
        }
        var expected = current?.GetValueKind() switch
        {
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true or false",
            JsonValueKind.Array => "a comma-separated list",
            _ => "a value like the profile's",
        };
        node[field] = parsed;
        try { return FromJson(node.ToJsonString(), $"--set {key}={value}"); }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--set {key}={value}: {field} takes {expected} (now {current?.ToJsonString() ?? "null"}). " +
                $"Give each field its own --set, e.g. --set {field}={current?.ToJsonString().Trim('"') ?? "..."} --set other=... " +
                $"({e.InnerException?.Message ?? e.Message})");
        }
    }

    /// <summary>The training options of the single model, MC-dropout model and deep-ensemble members.</summary>
    public TrainingOptions BaselineTraining => Training(Epochs, LearningRate);
    /// <summary>The training options of the parent network.</summary>
    public TrainingOptions ParentTraining => Training(ParentEpochs, LearningRate);
    /// <summary>The training options of each subnetwork.</summary>
    public TrainingOptions SubnetTraining => Training(SubnetEpochs, SubnetLearningRate > 0 ? SubnetLearningRate : LearningRate);

    TrainingOptions Training(int epochs, double lr) => new()
    {
        Epochs = epochs, BatchSize = BatchSize, LearningRate = lr, Momentum = Momentum, Nesterov = Nesterov,
        WeightDecay = WeightDecay, Schedule = Schedule, StepMilestones = StepMilestones, StepGamma = StepGamma,
        LabelSmoothing = LabelSmoothing, WarmupEpochs = WarmupEpochs, MaxBatchesPerEpoch = MaxBatchesPerEpoch,
    };

    /// <summary>Throws an error naming the field and the fix for settings no run can use.</summary>
    public void Validate()
    {
        if (ValidationSamples < 1)
            throw new ArgumentException($"validationSamples must be >= 1, got {ValidationSamples}: temperature scaling and the validation metrics need held-out samples (--set validationSamples=1000).");
        if (Members < 1) throw new ArgumentException($"members must be >= 1, got {Members} (--members or --set members=4).");
        if (Methods.Length == 0) throw new ArgumentException("methods is empty: pass --methods single,mcdropout,deep,subnet.");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"dropout must be in [0, 1), got {Dropout}.");
        if (ParentDropout is < 0 or >= 1) throw new ArgumentException($"parentDropout must be in [0, 1), got {ParentDropout}.");
        if (Widths.Any(w => w < Members) && Methods.Any(Experiments.Methods.Splitting.Contains))
            throw new ArgumentException($"widths [{string.Join(", ", Widths)}] are narrower than members = {Members}: every subnetwork needs at least one unit per layer.");
        if (MasksemblesScale is < 1 or > 6) throw new ArgumentException($"masksemblesScale must be in [1, 6], got {MasksemblesScale} (--set masksemblesScale=2).");
        if (MimoInputRepetition is < 0 or > 1) throw new ArgumentException($"mimoInputRepetition must be in [0, 1], got {MimoInputRepetition} (--set mimoInputRepetition=0.5).");
        if (MimoBatchRepetition < 1) throw new ArgumentException($"mimoBatchRepetition must be >= 1, got {MimoBatchRepetition} (--set mimoBatchRepetition=2).");
        if (!(PackedAlpha > 0)) throw new ArgumentException($"packedAlpha must be > 0, got {PackedAlpha} (--set packedAlpha=2).");
        if (PackedGamma < 1) throw new ArgumentException($"packedGamma must be >= 1, got {PackedGamma} (--set packedGamma=1).");
        if (ShiftBenchmark is not ("auto" or "synthetic"))
            throw new ArgumentException($"shiftBenchmark must be auto or synthetic, got '{ShiftBenchmark}' (--set shiftBenchmark=auto).");
        if (Pretrained.Length > 0 && !File.Exists(Pretrained))
            throw new ArgumentException($"pretrained {Pretrained}: no such file. Pass a PyTorch state dict saved with torch.save(model.state_dict(), path) (--set pretrained=FILE).");
        if (CropSize < 0 || CropSize > ImageSize && Dataset is "cub200" or "tiny-imagenet")
            throw new ArgumentException($"cropSize {CropSize} must be in [0, imageSize = {ImageSize}] (--set cropSize=224 --set imageSize=256).");
        if (Augmentation is not ("" or "crop-flip" or "random-resized-crop-flip"))
            throw new ArgumentException($"augmentation '{Augmentation}' is unknown: use crop-flip, random-resized-crop-flip or \"\" for the dataset's usual one (--set augmentation=crop-flip).");
        Ensembles.TrainingBudget.ParseCurrency(BudgetCurrency);
        if (Overlap is < 0 or > 1) throw new ArgumentException($"overlap must be in [0, 1], got {Overlap} (--set overlap=0.5).");
        if (Prefetch is < -1 or > 2) throw new ArgumentException($"prefetch must be -1 (auto), 0 (off), 1 or 2, got {Prefetch} (--set prefetch=1).");
        if (DeviceDataLimitMb < 0) throw new ArgumentException($"deviceDataLimitMb must be >= 0, got {DeviceDataLimitMb} (--set deviceDataLimitMb=2048).");
        BaselineTraining.Validate("epochs/learningRate");
        SubnetTraining.Validate("subnetEpochs/subnetLearningRate");
    }
}
