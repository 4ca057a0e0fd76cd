using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SubnetNotebooks.Weights;

/// <summary>
/// PyTorch state dicts on disk (the file torch.save(model.state_dict(), path) writes and torch.load reads), read and
/// written with TorchSharp.PyBridge. The kit keeps a BatchNorm's num_batches_tracked as [1]; PyTorch keeps it as a
/// scalar []: <see cref="Of"/> writes PyTorch's shape, and loading accepts either.
/// </summary>
public static class StateDictFile
{
    /// <summary>Reads a PyTorch state dict: parameter or buffer name to a CPU tensor.</summary>
    /// <param name="path">a .pt / .pth file holding model.state_dict()</param>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"PyTorch state dict {path}: no such file. Save one with torch.save(model.state_dict(), \"{Path.GetFileName(path)}\").", path);
        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"{path} is not a PyTorch state dict that can be read ({e.GetType().Name}: {e.Message}). " +
                "Save it in Python with torch.save(model.state_dict(), path) (the zip format of torch >= 1.6).", e);
        }
        var dict = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is not Tensor t)
                throw new InvalidDataException(
                    $"{path}: entry '{entry.Key}' is a {entry.Value?.GetType().Name ?? "null"}, not a tensor: the file holds a training checkpoint, " +
                    "not a state dict. In Python save the model's weights alone: torch.save(checkpoint[\"state_dict\"], path).");
            dict[(string)entry.Key] = t;
        }
        return dict;
    }

    /// <summary>Writes a state dict that torch.load reads (every tensor is copied to the CPU first).</summary>
    /// <param name="path">file to write (.pt)</param>
    /// <param name="state">name to tensor, in the order the file keeps</param>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> state)
    {
        var ordered = new Dictionary<string, Tensor>();
        foreach (var (name, t) in state) ordered[name] = t;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        PyTorchPickler.PickleStateDict(path, ordered);
    }

    /// <summary>
    /// A module's state dict in PyTorch's conventions: CPU copies under the module's names, num_batches_tracked as a
    /// scalar. The caller owns (disposes) the tensors.
    /// </summary>
    public static Dictionary<string, Tensor> Of(nn.Module model)
    {
        var dict = new Dictionary<string, Tensor>();
        using var _ = no_grad();
        foreach (var (name, t) in model.state_dict())
        {
            var copy = t.detach().cpu().clone();
            if (IsBatchCounter(name) && copy.numel() == 1) copy = copy.reshape([]);
            dict[name] = copy.contiguous();
        }
        return dict;
    }

    /// <summary>True for a BatchNorm's num_batches_tracked buffer, whose shape is [] in PyTorch and [1] in the kit.</summary>
    public static bool IsBatchCounter(string name) => name == "num_batches_tracked" || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
