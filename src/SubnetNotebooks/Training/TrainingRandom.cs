using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Training;

/// <summary>
/// The generator that the random draws of training use: dropout masks and MIMO's permutations (and the per-epoch
/// seed of the CUDA generator). It is a CPU generator whose draws are moved to the device, so a CPU run and a CUDA
/// run draw the same numbers, and every checkpoint keeps its state. TorchSharp 0.107 cannot read or set the CUDA
/// generator's state (torch.Generator wraps CPU generators only; THSGenerator_new ignores its device argument;
/// torch.cuda offers manual_seed and manual_seed_all but no get_rng_state), so nothing of the kit draws from it.
/// </summary>
public static class TrainingRandom
{
    static Generator? _generator;

    /// <summary>The training generator (created on first use with seed 0).</summary>
    public static Generator Generator => _generator ??= new Generator(0);

    /// <summary>Restarts the training generator at <paramref name="seed"/>.</summary>
    public static void Seed(long seed) => Generator.manual_seed(seed);

    /// <summary>The generator's state (the bytes of torch's ByteTensor state).</summary>
    public static byte[] State()
    {
        using var state = Generator.get_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Restores a state that <see cref="State"/> returned.</summary>
    public static void Restore(byte[] state)
    {
        using var tensor = torch.tensor(state, ScalarType.Byte);
        Generator.set_state(tensor);
    }

    /// <summary>An inverted-dropout multiplier: 0 with probability <paramref name="p"/>, else 1 / (1 - p).</summary>
    /// <param name="shape">shape of the activations the mask multiplies</param>
    /// <returns>float32 [shape] on <paramref name="device"/></returns>
    /// <param name="p">drop probability, 0 to 1</param>
    /// <param name="device">where the mask goes (drawn on the CPU)</param>
    public static Tensor DropoutMask(long[] shape, double p, Device device)
    {
        using var keep = rand(shape, generator: Generator).ge_(OwnedScalars.Of(p));
        return keep.to(ScalarType.Float32, device).mul_(OwnedScalars.Of(1.0 / (1 - p)));
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    /// <returns>int64 [n] on <paramref name="device"/></returns>
    public static Tensor Permutation(long n, Device device)
    {
        var perm = randperm(n, generator: Generator);
        if (device.type == DeviceType.CPU) return perm;
        using (perm) return perm.to(device);
    }

    /// <summary>
    /// Draws the next epoch's seed from the training generator and, on CUDA, seeds every GPU's generator with it, so
    /// any libtorch op that draws on the GPU repeats after a resume (the draw happens on every device, so CPU and CUDA
    /// runs keep the same stream).
    /// </summary>
    public static void SeedEpoch(Device device)
    {
        long seed = randint_int(int.MaxValue, Generator);
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(seed);
    }

    /// <summary>A seed for a fresh run named <paramref name="run"/>: torch's last manual seed mixed with the run name (FNV-1a, stable across processes).</summary>
    public static long RunSeed(string run)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in run) { hash ^= c; hash *= 1099511628211UL; }
        return (long)((ulong)Generator.Default.initial_seed() ^ hash) & long.MaxValue;
    }
}
