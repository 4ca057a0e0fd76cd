using System.Diagnostics;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>Which SGD a soak trains with: the kit's, or TorchSharp's own (to show the fault the kit avoids).</summary>
public enum SoakOptimizer
{
    /// <summary><see cref="Sgd"/>: every Scalar it hands to libtorch is owned.</summary>
    Kit,
    /// <summary>TorchSharp 0.107's optim.SGD, whose update makes temporary Scalars.</summary>
    TorchSharp,
}

/// <summary>One network a soak trains: a name, how to build it (seeded), and its synthetic batches.</summary>
/// <param name="Name">e.g. "mlp", "mlp-fused"</param>
/// <param name="Description">architecture and batch, for the report</param>
/// <param name="Create">builds the network; the soak seeds torch first</param>
/// <param name="Members">M for fused members (batches [M, B, ...]), 1 for one network</param>
/// <param name="Input">one example's shape [C, H, W]</param>
public sealed record SoakNetwork(string Name, string Description, Func<nn.Module<Tensor, Tensor>> Create, int Members, long[] Input);

/// <summary>What a soak saw on one network: rounds, steps, native errors and rounds whose weights differed from the quiet reference.</summary>
public sealed record SoakTally(string Network, string Description, int Rounds, long Steps, int Crashes, int Mismatches, string? FirstError);

/// <summary>A whole soak: per-network tallies, collections forced, time.</summary>
public sealed record SoakReport(IReadOnlyList<SoakTally> Networks, long Collections, double Seconds, SoakOptimizer Optimizer)
{
    /// <summary>Native errors plus silent mismatches over every network.</summary>
    public int Faults => Networks.Sum(n => n.Crashes + n.Mismatches);
}

/// <summary>
/// The soak check behind `subnet soak`: trains the cpu and cpu-cnn profiles' networks (the parent MLP 784-512-512-10 and
/// SmallCnn 16-32-64, and their M = 4 subnetworks fused) in rounds of the same seeded steps on synthetic 28x28 batches of
/// 128, first once alone (the reference weights), then again and again while a thread forces garbage collections. A
/// round that throws counts as a crash; a round whose weights differ in any bit from the reference counts as a mismatch
/// (a freed Scalar whose memory held another value). With the kit's SGD both must stay zero; with TorchSharp's they do not.
/// </summary>
public static class SoakCheck
{
    const int Batch = 128, Classes = 10, Seed = 17;

    /// <summary>The networks of the cpu (MLP) and cpu-cnn (SmallCnn) profiles: each parent, and its M subnetworks fused.</summary>
    public static IReadOnlyList<SoakNetwork> ProfileNetworks()
    {
        var list = new List<SoakNetwork>();
        foreach (var profile in new[] { Profiles.Cpu, Profiles.CpuCnn })
        {
            var spec = new ModelSpec(profile.Model, profile.Widths, profile.Dropout, profile.Depth, profile.WidthFactor);
            var thin = spec with { Widths = profile.Widths.Select(w => w / profile.Members).ToArray() };
            int m = profile.Members;
            list.Add(new(profile.Model, $"{spec}, batch {Batch}", () => ModelFactory.Create(spec, 1, 28, 28, Classes), 1, [1, 28, 28]));
            list.Add(new($"{profile.Model}-fused", $"{m} fused {thin}, batch {Batch} each",
                () => FusedSubnetworks.Fuse(Enumerable.Range(0, m).Select(_ => ModelFactory.Create(thin, 1, 28, 28, Classes)).ToArray()), m, [1, 28, 28]));
        }
        return list;
    }

    /// <summary>Runs the soak for <paramref name="duration"/> (at least one reference and one pressed round per network).</summary>
    /// <param name="networks">what to train (see <see cref="ProfileNetworks"/>)</param>
    /// <param name="duration">wall time of the pressed rounds together</param>
    /// <param name="stepsPerRound">SGD steps of one round</param>
    /// <param name="optimizer">the kit's SGD or TorchSharp's</param>
    /// <param name="stopOnFault">end at the first crash or mismatch</param>
    /// <param name="onRound">hears each network's tally after each of its rounds</param>
    /// <param name="cancellation">ends the soak after the running round</param>
    public static SoakReport Run(IReadOnlyList<SoakNetwork> networks, TimeSpan duration, int stepsPerRound = 50, SoakOptimizer optimizer = SoakOptimizer.Kit,
        bool stopOnFault = false, Action<SoakTally>? onRound = null, CancellationToken cancellation = default)
    {
        TorchRuntime.Ensure();
        var batches = networks.Select(n => Batches(n)).ToArray();
        var reference = networks.Select((n, i) => Train(n, batches[i], stepsPerRound, optimizer)).ToArray();
        var tallies = networks.Select(n => new SoakTally(n.Name, n.Description, 0, 0, 0, 0, null)).ToArray();
        var clock = Stopwatch.StartNew();
        using var pressure = new GcPressure();
        bool stop = false;
        while (!stop && !cancellation.IsCancellationRequested && (clock.Elapsed < duration || tallies.Any(t => t.Rounds == 0)))
        {
            for (int i = 0; i < networks.Count && !stop; i++)
            {
                var t = tallies[i];
                try
                {
                    var weights = Train(networks[i], batches[i], stepsPerRound, optimizer);
                    bool same = weights.AsSpan().SequenceEqual(reference[i]);
                    t = t with { Rounds = t.Rounds + 1, Steps = t.Steps + stepsPerRound, Mismatches = t.Mismatches + (same ? 0 : 1) };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    t = t with { Rounds = t.Rounds + 1, Crashes = t.Crashes + 1, FirstError = t.FirstError ?? e.Message.Split('\n')[0] };
                }
                tallies[i] = t;
                onRound?.Invoke(t);
                stop = stopOnFault && t.Crashes + t.Mismatches > 0;
            }
        }
        foreach (var b in batches.SelectMany(b => b)) { b.X.Dispose(); b.Y.Dispose(); }
        return new SoakReport(tallies, pressure.Collections, clock.Elapsed.TotalSeconds, optimizer);
    }

    /// <summary>Four seeded synthetic batches: images [B, C, H, W] (or [M, B, C, H, W]) and labels [B] (or [M, B]).</summary>
    static (Tensor X, Tensor Y)[] Batches(SoakNetwork network)
    {
        var generator = new Generator(Seed);
        long[] lead = network.Members == 1 ? [Batch] : [network.Members, Batch];
        return Enumerable.Range(0, 4).Select(_ =>
            (randn([.. lead, .. network.Input], generator: generator), randint(0, Classes, lead, generator: generator))).ToArray();
    }

    /// <summary>One round from the same seed: <paramref name="steps"/> SGD steps (lr 0.05, momentum 0.9, weight decay 5e-4); returns every weight.</summary>
    static float[] Train(SoakNetwork network, (Tensor X, Tensor Y)[] batches, int steps, SoakOptimizer optimizer)
    {
        manual_seed(Seed);
        TrainingRandom.Seed(Seed);
        using var model = network.Create();
        model.train();
        using var kit = optimizer == SoakOptimizer.Kit ? new Sgd(model.parameters(), 0.05, 0.9, 5e-4) : null;
        using var torchSharp = optimizer == SoakOptimizer.TorchSharp ? optim.SGD(model.parameters(), 0.05, 0.9, 0, 5e-4) : null;
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = batches[s % batches.Length];
            if (kit is not null)
            {
                Trainer.Step(model, kit, x, y);
                continue;
            }
            torchSharp!.zero_grad();
            var logits = model.call(x);
            nn.functional.cross_entropy(logits.reshape(-1, Classes), y.reshape(-1)).backward();
            torchSharp.step();
        }
        return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }
}
