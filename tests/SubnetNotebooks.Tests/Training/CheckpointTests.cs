using System.Text;
using SubnetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

/// <summary>Checkpoint format 2: state round trip (weights, optimiser, both generators), checksum, truncation, old versions.</summary>
public class CheckpointTests() : InTempFolder("subnet-ckpt-")
{
    static TorchSharp.Modules.Linear Model(long seed)
    {
        manual_seed(seed);
        return nn.Linear(4, 3);
    }

    string Write()
    {
        using var model = Model(1);
        using var optimizer = new Sgd(model.parameters(), 0.1, 0.9);
        Checkpoint.Save(_dir, model, optimizer, new Checkpoint.State(2, [], "extra"));
        return Path.Combine(_dir, Checkpoint.FileName);
    }

    [Fact]
    public void RoundTripRestoresWeightsAndBothGenerators()
    {
        manual_seed(11);
        TrainingRandom.Seed(12);
        using var model = Model(3);
        using var optimizer = new Sgd(model.parameters(), 0.1, 0.9);
        Checkpoint.Save(_dir, model, optimizer, new Checkpoint.State(2, [], "extra"));
        using var nextDefault = rand(5);
        using var nextTraining = rand([5], generator: TrainingRandom.Generator);

        manual_seed(99);
        TrainingRandom.Seed(98);
        using var restored = Model(4);
        var state = Checkpoint.Load(_dir, restored, null);
        Assert.Equal(2, state.EpochsDone);
        Assert.Equal("extra", state.Extra);
        Assert.Equal(model.weight!.data<float>().ToArray(), restored.weight!.data<float>().ToArray());
        using var againDefault = rand(5);
        using var againTraining = rand([5], generator: TrainingRandom.Generator);
        Assert.Equal(nextDefault.data<float>().ToArray(), againDefault.data<float>().ToArray());
        Assert.Equal(nextTraining.data<float>().ToArray(), againTraining.data<float>().ToArray());
        Assert.NotEqual(nextDefault.data<float>().ToArray(), nextTraining.data<float>().ToArray());
    }

    [Fact]
    public void FlippedByteFailsTheChecksumNamingTheFileAndTheFix()
    {
        var path = Write();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        using var model = Model(1);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_dir, model, null));
        Assert.Contains(path, error.Message);
        Assert.Contains("SHA-256", error.Message);
        Assert.Contains($"Delete {path}", error.Message);
    }

    [Theory]
    [InlineData(1)]     // the checksum's last byte is gone
    [InlineData(200)]   // payload and checksum cut
    public void TruncatedFileNamesTheFileAndTheFix(int cut)
    {
        var path = Write();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - cut)]);
        using var model = Model(1);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_dir, model, null));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains($"Delete {path}", error.Message);
    }

    [Fact]
    public void FormatVersion1IsRefusedWithAClearMessage()
    {
        var path = Path.Combine(_dir, Checkpoint.FileName);
        using (var writer = new BinaryWriter(File.Create(path), Encoding.UTF8))
        {
            writer.Write("SUBNETCK");
            writer.Write(1);
            writer.Write(new byte[64]);
        }
        using var model = Model(1);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_dir, model, null));
        Assert.Contains("format version 1", error.Message);
        Assert.Contains($"reads version {Checkpoint.Version}", error.Message);
        Assert.Contains($"Delete {path}", error.Message);
    }

    [Fact]
    public void SavingLeavesNoTemporaryFileBehind()
    {
        Write();
        Write();
        Assert.Equal([Checkpoint.FileName], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }
}
