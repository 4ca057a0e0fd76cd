using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>
/// One training run's resumable state, written after every epoch: weights (buffers, so masks too), optimiser state
/// (momentum), the global CPU generator, the <see cref="TrainingRandom"/> generator (dropout masks, MIMO's
/// permutations and the per-epoch CUDA seed), the finished epoch and the per-epoch history. The file is
/// "SUBNETCK", format version, payload length, payload, SHA-256 of the payload; it is written to a temporary file,
/// flushed to the disk and renamed, so a crash leaves the previous checkpoint, and a damaged file is detected.
/// </summary>
public static class Checkpoint
{
    const string Magic = "SUBNETCK";
    /// <summary>Format version: 2 added the checksum and the training generator.</summary>
    public const int Version = 2;
    /// <summary>File name of the latest checkpoint inside a run's checkpoint folder.</summary>
    public const string FileName = "last.ckpt";

    /// <summary>What a checkpoint holds besides the weights and optimiser state.</summary>
    public sealed record State(int EpochsDone, IReadOnlyList<EpochProgress> History, string Extra);

    /// <summary>Writes model, optimiser, generators and progress to <paramref name="folder"/>/last.ckpt (flushed temp file, then rename).</summary>
    public static void Save(string folder, nn.Module model, Sgd optimizer, State state)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(state.EpochsDone);
            writer.Write(JsonSerializer.Serialize(state.History));
            writer.Write(state.Extra);
            using (var rng = Generator.Default.get_state())
                WriteBytes(writer, rng.data<byte>().ToArray());
            WriteBytes(writer, TrainingRandom.State());
            model.save(writer);
            optimizer.Save(writer);
        }
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length).ToArray();
        AtomicFile.Write(Path.Combine(folder, FileName), stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write((long)bytes.Length);
            writer.Write(bytes);
            writer.Write(SHA256.HashData(bytes));
        });
    }

    /// <summary>True when <paramref name="folder"/> holds a checkpoint.</summary>
    public static bool Exists(string? folder) => folder is not null && File.Exists(Path.Combine(folder, FileName));

    /// <summary>Restores model, optimiser and generators from <paramref name="folder"/>/last.ckpt and returns the progress it recorded.</summary>
    public static State Load(string folder, nn.Module model, Sgd? optimizer)
    {
        var path = Path.Combine(folder, FileName);
        var payload = ReadVerified(path);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            int epochs = reader.ReadInt32();
            var history = JsonSerializer.Deserialize<List<EpochProgress>>(reader.ReadString()) ?? [];
            var extra = reader.ReadString();
            var rng = ReadBytes(reader);
            using (var current = Generator.Default.get_state())
                if (current.NumberOfElements != rng.Length)
                    throw new InvalidDataException($"Checkpoint {path} holds a {rng.Length}-byte RNG state; this libtorch uses {current.NumberOfElements} bytes. {Fix(path)}");
            var training = ReadBytes(reader);
            using (var state = tensor(rng, ScalarType.Byte)) Generator.Default.set_state(state);
            TrainingRandom.Restore(training);
            model.load(reader);
            try { optimizer?.Load(reader); }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"Checkpoint {path}: {e.Message} {Fix(path)}", e);
            }
            return new State(epochs, history, extra);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint {path} passed its checksum but its payload ends early: it was written by another build of the kit. {Fix(path)}", e);
        }
    }

    /// <summary>Reads the file, checks magic, version, length and SHA-256, and returns the payload.</summary>
    static byte[] ReadVerified(string path)
    {
        var file = File.ReadAllBytes(path);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(file), Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"Checkpoint {path} does not start with {Magic}: it is not a SubnetNotebooks checkpoint, or its first bytes are damaged. {Fix(path)}");
            int version = reader.ReadInt32();
            if (version != Version)
                throw new InvalidDataException(
                    $"Checkpoint {path} has format version {version}; this kit reads version {Version}" +
                    (version < Version ? " (older checkpoints carry no checksum and no training generator, so a resume from them would not repeat the run)" : "") +
                    $". {Fix(path)}");
            long length = reader.ReadInt64();
            long expected = reader.BaseStream.Position + length + SHA256.HashSizeInBytes;
            if (length < 0 || expected != file.Length)
                throw new InvalidDataException(
                    $"Checkpoint {path} is {file.Length:N0} bytes; its header promises {Math.Max(0, expected):N0}: the file is truncated or damaged (a crash while copying it?). {Fix(path)}");
            var payload = reader.ReadBytes((int)length);
            var stored = reader.ReadBytes(SHA256.HashSizeInBytes);
            if (!SHA256.HashData(payload).AsSpan().SequenceEqual(stored))
                throw new InvalidDataException($"Checkpoint {path} fails its SHA-256 checksum: the file is damaged. {Fix(path)}");
            return payload;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint {path} is truncated ({file.Length:N0} bytes). {Fix(path)}", e);
        }
    }

    static string Fix(string path) =>
        $"Delete {path} to retrain that run from scratch (the other runs of the run folder keep their checkpoints).";

    static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    static byte[] ReadBytes(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return bytes;
    }
}
