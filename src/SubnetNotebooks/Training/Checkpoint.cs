using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>
/// One training run's resumable state, written atomically after every epoch: weights (buffers,
/// so masks too), optimiser state (momentum), the global RNG state, the finished epoch and the
/// per-epoch history.
/// </summary>
public static class Checkpoint
{
    const string Magic = "SUBNETCK";
    const int Version = 1;
    /// <summary>File name of the latest checkpoint inside a run's checkpoint folder.</summary>
    public const string FileName = "last.ckpt";

    /// <summary>What a checkpoint holds besides the weights and optimiser state.</summary>
    public sealed record State(int EpochsDone, IReadOnlyList<EpochProgress> History, string Extra);

    /// <summary>Writes model, optimiser, RNG and progress to <paramref name="folder"/>/last.ckpt (temp file, then rename).</summary>
    public static void Save(string folder, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer, State state)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(state.EpochsDone);
            writer.Write(JsonSerializer.Serialize(state.History));
            writer.Write(state.Extra);
            using (var rng = Generator.Default.get_state())
            {
                var bytes = rng.data<byte>().ToArray();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
            model.save(writer);
            optimizer.save_state_dict(writer);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>True when <paramref name="folder"/> holds a checkpoint.</summary>
    public static bool Exists(string? folder) => folder is not null && File.Exists(Path.Combine(folder, FileName));

    /// <summary>Restores model, optimiser and RNG from <paramref name="folder"/>/last.ckpt and returns the progress it recorded.</summary>
    public static State Load(string folder, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"Checkpoint {path} does not start with {Magic}: it is not a SubnetNotebooks checkpoint. Delete it to start the run afresh.");
            int version = reader.ReadInt32();
            if (version != Version)
                throw new InvalidDataException($"Checkpoint {path} has format version {version}; this kit reads version {Version}. Delete it to start the run afresh.");
            int epochs = reader.ReadInt32();
            var history = JsonSerializer.Deserialize<List<EpochProgress>>(reader.ReadString()) ?? [];
            var extra = reader.ReadString();
            int rngLength = reader.ReadInt32();
            var rng = reader.ReadBytes(rngLength);
            if (rng.Length != rngLength) throw new EndOfStreamException();
            using (var current = Generator.Default.get_state())
                if (current.NumberOfElements != rngLength)
                    throw new InvalidDataException($"Checkpoint {path} holds a {rngLength}-byte RNG state; this libtorch uses {current.NumberOfElements} bytes. Delete it to start the run afresh.");
            using (var state = tensor(rng, ScalarType.Byte)) Generator.Default.set_state(state);
            model.load(reader);
            optimizer?.load_state_dict(reader);
            return new State(epochs, history, extra);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint {path} is truncated ({new FileInfo(path).Length:N0} bytes). Delete it to restart that run from scratch.", e);
        }
    }
}
