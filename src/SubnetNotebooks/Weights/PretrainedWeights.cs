using SubnetNotebooks.Models;
using SubnetNotebooks.Models.Custom;
using static TorchSharp.torch;

namespace SubnetNotebooks.Weights;

/// <summary>
/// Initialises a kit model from a PyTorch state dict (`--set pretrained=FILE`): the kit's own names, or torchvision's
/// ResNet-18 names for a resnet18 model. Layers named in the skip list keep their fresh initialisation; every other
/// parameter and buffer must be in the file with the model's shape, else one error names each missing, mis-shaped
/// and unexpected key and the `pretrainedSkip` that would leave them out.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>What a skip entry covers besides the layer of that name: "stem" also covers the stem's BatchNorm.</summary>
    static readonly Dictionary<string, string[]> Aliases = new() { ["stem"] = ["stem", "stem_bn"] };

    /// <summary>Copies the weights of <paramref name="path"/> into <paramref name="model"/> (before any mask is applied).</summary>
    /// <param name="model">a freshly built kit model</param>
    /// <param name="path">.pt file holding a PyTorch state dict</param>
    /// <param name="skip">layer paths (e.g. head, stem, stage1_0.conv1) whose parameters are not loaded</param>
    /// <returns>the number of tensors loaded</returns>
    public static int Load(PrunableModel model, string path, IReadOnlyCollection<string> skip)
    {
        var file = StateDictFile.Read(path);
        try { return Load(model, file, skip, path); }
        finally { foreach (var t in file.Values) t.Dispose(); }
    }

    /// <summary>Copies a state dict already in memory (see <see cref="Load(PrunableModel, string, IReadOnlyCollection{string})"/>).</summary>
    /// <param name="model">a freshly built kit model</param>
    /// <param name="file">name to tensor, kit or torchvision names</param>
    /// <param name="skip">layer paths whose parameters are not loaded</param>
    /// <param name="source">file name used in errors</param>
    public static int Load(PrunableModel model, IReadOnlyDictionary<string, Tensor> file, IReadOnlyCollection<string> skip, string source)
    {
        // A network brought as TorchSharp modules keeps its own names (torchvision's for tv-resnet*): no renaming.
        bool torchvision = model is not SplitNetwork && TorchvisionNames.AreTorchvision(file.Keys);
        var kind = model.Spec.Kind.ToLowerInvariant();
        if (torchvision && kind != "resnet18")
            throw new ArgumentException(
                $"pretrained {source} uses torchvision's ResNet names (conv1, layer1.0..., fc) but the model is {model.Spec}. " +
                "Use --set model=resnet18, or save the file from the kit's own architecture (subnet export-weights).");
        var byKit = new Dictionary<string, (string FileKey, Tensor Tensor)>();
        var unexpected = new List<string>();
        foreach (var (key, t) in file)
        {
            var name = torchvision ? TorchvisionNames.ToKit(key) : key;
            if (name is null) unexpected.Add(key);
            else byKit[name] = (key, t);
        }
        var skipped = skip.SelectMany(s => Aliases.TryGetValue(s, out var a) ? a : [s]).ToArray();
        bool Skipped(string name) => skipped.Any(s => name.StartsWith(s + ".", StringComparison.Ordinal));
        var target = model.state_dict();
        var missing = new List<string>();
        var misShaped = new List<(string Name, string Problem)>();
        foreach (var (name, t) in target)
        {
            if (Skipped(name)) continue;
            if (!byKit.TryGetValue(name, out var found)) { missing.Add(name); continue; }
            if (!SameShape(name, t.shape, found.Tensor.shape))
                misShaped.Add((name, $"{Describe(name, found.FileKey)} is [{string.Join(", ", found.Tensor.shape)}] in the file, [{string.Join(", ", t.shape)}] in the model"));
        }
        unexpected.AddRange(byKit.Where(p => !target.ContainsKey(p.Key) && !Skipped(p.Key)).Select(p => Describe(p.Key, p.Value.FileKey)));
        if (missing.Count + misShaped.Count + unexpected.Count > 0)
            throw new ArgumentException(Problem(model, source, missing, misShaped, unexpected));
        int loaded = 0;
        using (no_grad())
            foreach (var (name, t) in target)
            {
                if (Skipped(name)) continue;
                t.copy_(byKit[name].Tensor.reshape(t.shape).to(t.dtype).to(t.device));
                loaded++;
            }
        return loaded;
    }

    static bool SameShape(string name, long[] model, long[] file) =>
        model.SequenceEqual(file) || StateDictFile.IsBatchCounter(name) && model.Aggregate(1L, (a, b) => a * b) == file.Aggregate(1L, (a, b) => a * b);

    static string Describe(string kit, string fileKey) => kit == fileKey ? kit : $"{kit} (file: {fileKey})";

    /// <summary>The layer path of a parameter name, folded to the skip alias that covers it.</summary>
    static string LayerOf(string name)
    {
        var layer = name[..Math.Max(0, name.LastIndexOf('.'))];
        return Aliases.FirstOrDefault(a => a.Value.Contains(layer)).Key ?? layer;
    }

    static string Problem(PrunableModel model, string source, List<string> missing, List<(string Name, string Problem)> misShaped, List<string> unexpected)
    {
        var lines = new List<string> { $"pretrained {source} does not fit the model {model.Spec} with {model.Classes} classes:" };
        if (misShaped.Count > 0) lines.Add("  mis-shaped: " + string.Join("; ", misShaped.Select(m => m.Problem)));
        if (missing.Count > 0) lines.Add("  missing from the file: " + string.Join(", ", missing));
        if (unexpected.Count > 0) lines.Add("  in the file but not in the model: " + string.Join(", ", unexpected));
        var layers = misShaped.Select(m => LayerOf(m.Name)).Concat(missing.Select(LayerOf)).Distinct().ToArray();
        lines.Add(layers.Length > 0
            ? $"Fix: keep those layers' fresh initialisation with --set pretrainedSkip={string.Join(",", layers)} " +
              "(e.g. torchvision's 7x7 ImageNet stem against the 3x3 CIFAR stem: stem; a 1000-class fc against this dataset's classes: head), " +
              "or set widths/model to the file's architecture."
            : "Fix: the file holds another architecture; set widths/model to it, or add its extra layers to pretrainedSkip.");
        return string.Join(Environment.NewLine, lines);
    }
}
