using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Training;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// Makes the <see cref="RunPlan"/> of an experiment: a rehearsal trains every configured method for two short
/// epochs on synthetic images of the experiment's shape (random pixels, the configured augmentation and batch size)
/// on the experiment's device; the second epoch's step time, times the full run's steps, is the estimate.
/// A deep ensemble is rehearsed with one member (its M members are alike) and the subnetwork ensemble's parent is
/// not rehearsed when a full network (single, MC dropout) already was: it is that network.
/// </summary>
public static class RunPlanner
{
    /// <summary>The plan of <paramref name="config"/> with every network timed for <paramref name="timedSteps"/> steps.</summary>
    /// <param name="config">the experiment (validated here)</param>
    /// <param name="runFolder">where its run folder goes (null: the default, runs/&lt;profile&gt;-...)</param>
    /// <param name="timedSteps">steps of each rehearsal epoch (the first epoch warms up, the second is timed)</param>
    /// <param name="trainImages">images of one training epoch (null: from the dataset's documented split size)</param>
    public static RunPlan Make(ExperimentConfig config, string? runFolder = null, int timedSteps = 2, int? trainImages = null)
    {
        config.Validate();
        if (timedSteps < 1) throw new ArgumentOutOfRangeException(nameof(timedSteps), timedSteps, "plan: time at least 1 step of each network (--steps 2); fewer than 2 are timed as 2.");
        var device = ExperimentRunner.Prepare(config);
        var (stored, model) = Shapes(config);
        int images = trainImages ?? TrainImages(config, stored);
        int fullSteps = StepsPerEpoch(images, config.BatchSize, config.MaxBatchesPerEpoch);

        var notes = StemNotes(config, model).ToList();
        var (timingBatch, memoryNote) = TimingBatch(config, model, device.type == TorchSharp.DeviceType.CPU ? AvailableMemoryBytes() : null);
        if (memoryNote is not null) notes.Add(memoryNote);
        double stepScale = (double)config.BatchSize / timingBatch;

        // At least two steps an epoch: a ResNet trained one step an epoch turns NaN in its second epoch here.
        using var synthetic = SyntheticImages(stored, Math.Max(2, timedSteps) * timingBatch, config.Seed);
        var rehearsalTrain = new BatchIterator(synthetic, timingBatch, stored.Normalization, shuffle: true, seed: config.Seed,
            augment: ExperimentData.TrainingAugmentation(config, stored));
        var rehearsal = config with
        {
            Epochs = 2, ParentEpochs = 2, SubnetEpochs = 2, MaxBatchesPerEpoch = 0, WarmupEpochs = 0, Schedule = LearningRateSchedule.Constant,
            // Random pixels and labels teach nothing; a small rate keeps them from diverging (a step costs the same).
            LearningRate = 1e-4, SubnetLearningRate = 0, BatchSize = timingBatch,
        };

        var methods = new List<PlannedMethod>();
        // The full network (what single and MC dropout train, every deep member and the parent): its run, parameters and FLOPs.
        (PlannedRun Run, long Parameters, long Flops)? full = null;
        foreach (var name in config.Methods.Select(m => m.Trim().ToLowerInvariant()))
        {
            if (name == "deep" && full is not null)
            {
                var (run, parameters, flops) = full.Value;
                methods.Add(new PlannedMethod(name, config.Members, parameters * config.Members, flops * config.Members,
                    Enumerable.Range(1, config.Members).Select(k => run with { Method = name, Run = $"deep/{k}" }).ToArray()));
                continue;
            }
            var parentKnown = name == "subnet" && full is not null;
            var one = name == "deep" ? rehearsal with { Members = 1 } : parentKnown ? rehearsal with { ParentEpochs = 0 } : rehearsal;
            var timed = Rehearse(name, one, model, rehearsalTrain, device);
            var runs = timed.Runs.Select(r => r with
            {
                Epochs = EpochsOf(config, name, r.Run),
                StepsPerEpoch = fullSteps * Math.Max(1, r.StepsPerEpoch / rehearsalTrain.BatchesPerEpoch),
                SecondsPerStep = r.SecondsPerStep * stepScale,
            }).ToList();
            if (parentKnown) runs.Insert(0, full!.Value.Run with { Method = name, Run = "subnet/parent", Epochs = config.ParentEpochs });
            if (name == "deep")
            {
                runs = Enumerable.Range(1, config.Members).Select(k => runs[0] with { Run = $"deep/{k}" }).ToList();
                timed = timed with { Members = config.Members, Parameters = timed.Parameters * config.Members, FlopsPerExample = timed.FlopsPerExample * config.Members };
            }
            if (name == "subnet-budget") runs = BudgetSplit(config, model, images, runs, full?.Run);
            var planned = timed with { Runs = runs };
            if (name is "single" or "mcdropout" && full is null)
                full = (runs[0], planned.Parameters, name == "single" ? planned.FlopsPerExample : planned.FlopsPerExample / planned.Members);
            methods.Add(planned);
        }
        var where = device.type == TorchSharp.DeviceType.CPU ? $"cpu ({get_num_threads()} threads)" : device.ToString();
        return new RunPlan(config, runFolder ?? RunFolder.DefaultPath(config), images, where, methods, notes);
    }

    /// <summary>Bytes one example's activations take in a training step, per float of conv / linear output: the output, its
    /// BatchNorm and ReLU outputs kept for the backward pass, and their gradients (4 x 4 bytes), a rough upper estimate.</summary>
    const long BytesPerActivation = 16;

    /// <summary>
    /// The batch at which a training step of the configured network fits <paramref name="availableBytes"/> (80% of it): the
    /// configured batch, or half of it as often as needed, with a note saying so; the step time is then scaled by the ratio
    /// (a step's cost is about linear in the batch). Null memory (CUDA): the configured batch.
    /// </summary>
    /// <param name="config">the experiment</param>
    /// <param name="model">the images as the model sees them</param>
    /// <param name="availableBytes">memory a step may use, or null to not check</param>
    public static (int Batch, string? Note) TimingBatch(ExperimentConfig config, DatasetInfo model, long? availableBytes)
    {
        if (availableBytes is null) return (config.BatchSize, null);
        long perExample;
        using (var network = Experiments.Methods.Recipe(config, model)(config.Seed, 0))
            perExample = ActivationsPerExample(network) * BytesPerActivation;
        long budget = availableBytes.Value / 10 * 8;
        int batch = config.BatchSize;
        while (batch > 1 && perExample * batch > budget) batch /= 2;
        if (batch == config.BatchSize) return (batch, null);
        return (batch, $"a training step at batch {config.BatchSize} needs about {Gb(perExample * config.BatchSize)} of activations, more than the " +
            $"{Gb(availableBytes.Value)} available here: timed at batch {batch} and scaled by {config.BatchSize / (double)batch:0.#} (a step costs about linear in the batch); " +
            "training itself needs a machine with that memory");
    }

    /// <summary>Floats every conv / linear layer outputs for one example (the activations a training step keeps).</summary>
    /// <param name="network">the full network</param>
    public static long ActivationsPerExample(Models.PrunableModel network) =>
        network.MaskedLayers.Where(l => l.IsWeightLayer).Sum(l => l.OutputUnits * l.Positions);

    static string Gb(long bytes) => $"{bytes / 1e9:0.0} GB";

    /// <summary>Memory available to a new allocation on this machine (Linux MemAvailable), or null when unknown.</summary>
    static long? AvailableMemoryBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// For ResNet-18 on images of 128 pixels or more: the FLOPs per image of torchvision's ImageNet stem (7x7 stride-2
    /// convolution + max-pool, tv-resnet18) and of the kit's CIFAR stem (3x3, stride 1: the first stage runs at full resolution).
    /// </summary>
    static IEnumerable<string> StemNotes(ExperimentConfig config, DatasetInfo model)
    {
        if (config.Model is not ("resnet18" or "tv-resnet18") || model.ImageSize < 128 || model.Channels != 3) yield break;
        long Flops(string kind, int[] widths)
        {
            using var net = Models.ModelFactory.Create(new Models.ModelSpec(kind, widths), model.Channels, model.ImageSize, model.ImageSize, model.Classes);
            return net.FlopsPerExample();
        }
        yield return $"FLOPs per {model.ImageSize}x{model.ImageSize} image of ResNet-18: {Flops("tv-resnet18", []) / 1e9:0.00} G with torchvision's ImageNet stem " +
            $"(model=tv-resnet18), {Flops("resnet18", []) / 1e9:0.00} G with the CIFAR stem (model=resnet18, no stride-2 stem or max-pool); this run: {config.Model}";
    }

    /// <summary>Images of one training epoch: the documented training split less the validation samples, capped by trainSamples.</summary>
    public static int TrainImages(ExperimentConfig config, DatasetInfo info)
    {
        int available = Math.Max(0, info.TrainCount - config.ValidationSamples);
        return config.TrainSamples > 0 ? Math.Min(config.TrainSamples, available) : available;
    }

    /// <summary>Optimiser steps of one epoch: ceil(images / batch), capped by maxBatchesPerEpoch when it is set.</summary>
    public static int StepsPerEpoch(int images, int batchSize, int maxBatchesPerEpoch = 0)
    {
        int steps = (images + batchSize - 1) / batchSize;
        return maxBatchesPerEpoch > 0 ? Math.Min(steps, maxBatchesPerEpoch) : steps;
    }

    /// <summary>
    /// Epochs of run <paramref name="run"/> of <paramref name="method"/>: the parent's or the subnetworks' (subnet and, before
    /// its budget split, subnet-budget), E / M for a deep-budget member, else the baselines' E.
    /// </summary>
    public static int EpochsOf(ExperimentConfig config, string method, string run) => method switch
    {
        "subnet" or "subnet-budget" => run.EndsWith("/parent", StringComparison.Ordinal) ? config.ParentEpochs : config.SubnetEpochs,
        "deep-budget" => Experiments.Methods.DeepBudgetEpochs(config),
        _ => config.Epochs,
    };

    /// <summary>
    /// subnet-budget's runs at the split its training will choose. FLOPs: the split it makes before its parent trains
    /// (<see cref="BudgetedSubnetworkEnsemble.PlanFlops"/>), the same on every machine. Seconds: MC dropout's E epochs of the full
    /// network (timed here) are the budget, and <see cref="TrainingBudget.Split"/> divides it by the parent's and members' timed epochs.
    /// </summary>
    static List<PlannedRun> BudgetSplit(ExperimentConfig config, DatasetInfo model, int images, List<PlannedRun> runs, PlannedRun? fullNetwork)
    {
        var parent = runs.FirstOrDefault(r => r.Run.EndsWith("/parent", StringComparison.Ordinal));
        if (parent is null) return runs;
        if (TrainingBudget.ParseCurrency(config.BudgetCurrency) == BudgetCurrency.Flops)
        {
            using var budgeted = (BudgetedSubnetworkEnsemble)Experiments.Methods.Create(BudgetedSubnetworkEnsemble.Name, config, model);
            var planned = budgeted.PlanFlops(images, config.BatchSize, dropLast: false);
            return runs.Select(r => r with { Epochs = r == parent ? planned.ParentEpochs : planned.MemberEpochs }).ToList();
        }
        double Epoch(PlannedRun r) => r.StepsPerEpoch * r.SecondsPerStep;
        var members = runs.Where(r => r != parent).ToList();
        double reference = Epoch(fullNetwork ?? parent), parentEpoch = Epoch(parent), membersEpoch = members.Sum(Epoch);
        if (!(reference > 0) || !(parentEpoch > 0) || !(membersEpoch > 0)) return runs;
        var (p, s) = TrainingBudget.Split(reference * config.Epochs, parentEpoch, membersEpoch, config.ParentEpochs, config.SubnetEpochs);
        return runs.Select(r => r with { Epochs = r == parent ? p : s }).ToList();
    }

    /// <summary>
    /// The dataset as stored for <paramref name="config"/> (images at the side they are loaded at) and as the model sees it (after
    /// the configured crop), without reading the data.
    /// </summary>
    public static (DatasetInfo Stored, DatasetInfo Model) Shapes(ExperimentConfig config)
    {
        var stored = DatasetCatalog.Info(config.Dataset);
        stored = stored with { ImageSize = StoredSide(config, stored) };
        return (stored, stored with { ImageSize = config.CropSize > 0 ? config.CropSize : stored.ImageSize });
    }

    /// <summary>The side images are loaded at: the configured imageSize for the resized datasets (CUB-200, Tiny-ImageNet), else the stored side.</summary>
    static int StoredSide(ExperimentConfig config, DatasetInfo info) =>
        info.Name is "cub200" or "tiny-imagenet" ? config.ImageSize : info.ImageSize;

    /// <summary>Trains <paramref name="method"/> for the rehearsal's epochs and times the last epoch of every run.</summary>
    static PlannedMethod Rehearse(string method, ExperimentConfig rehearsal, DatasetInfo model, BatchIterator train, Device device)
    {
        var batches = new Dictionary<string, int>();
        var observer = new TrainingObserver(onBatch: b => batches[b.Run] = b.Batches);
        using var ensemble = Experiments.Methods.Create(method, rehearsal, model);
        ensemble.Fit(new EnsembleTrainingContext(train, null, device, null, observer));
        var runs = ensemble.TrainingRuns.Where(r => r.History.Count > 0).Select(r =>
        {
            var last = r.History[^1];
            int steps = batches.GetValueOrDefault(last.Run, train.BatchesPerEpoch);
            return new PlannedRun(method, last.Run, last.Epochs, steps, last.Seconds / steps);
        }).ToArray();
        return new PlannedMethod(method, ensemble.Members, ensemble.Parameters, ensemble.FlopsPerExample, runs);
    }

    /// <summary>Random images of the stored shape, labels cycling through the classes.</summary>
    /// <returns>a dataset of uint8 [count, C, side, side]</returns>
    public static ImageDataset SyntheticImages(DatasetInfo info, int count, long seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        var pixels = randint(0, 256, [count, info.Channels, info.ImageSize, info.ImageSize], dtype: ScalarType.Byte, generator: generator);
        var labels = OwnedScalars.Arange(count).remainder(OwnedScalars.Of(info.Classes));
        return new ImageDataset($"{info.Name} (synthetic)", pixels, labels, info.Classes);
    }
}
