using System.Text.Json;
using SubnetNotebooks.Models;

namespace SubnetNotebooks.Weights;

/// <summary>One exported network: which method and member it is, its file and what a PyTorch module needs to rebuild it.</summary>
/// <param name="Method">single, mcdropout, deep or subnet</param>
/// <param name="Member">1-based member index (1 for single and mcdropout, whose M members are M dropout passes of one network)</param>
/// <param name="File">state dict file relative to the manifest</param>
/// <param name="Architecture">mlp, smallcnn, resnet18 or wrn</param>
/// <param name="Widths">the configured widths of the full network (a subnetwork's real widths are in <paramref name="Groups"/>)</param>
/// <param name="Depth">WRN depth (6n + 4)</param>
/// <param name="WidthFactor">WRN width factor</param>
/// <param name="Dropout">dropout rate of the network (MC dropout keeps it stochastic at test time)</param>
/// <param name="Groups">every unit group of this network and its width, e.g. fc1: 128 or stage2_0.mid: 32</param>
/// <param name="Parameters">parameters kept by the network</param>
public sealed record ExportedNetwork(string Method, int Member, string File, string Architecture, int[] Widths, int Depth, int WidthFactor,
    double Dropout, IReadOnlyDictionary<string, int> Groups, long Parameters);

/// <summary>A method of the run that was not exported, and why.</summary>
public sealed record SkippedMethod(string Method, string Reason);

/// <summary>
/// manifest.json of `subnet export-weights`: the input every network expects (float32 [batch, channels, height, width]:
/// pixels / 255, then (x - mean) / std per channel), the classes, and one entry per exported network.
/// </summary>
/// <param name="Dataset">the run's in-distribution dataset</param>
/// <param name="Input">[channels, height, width]</param>
/// <param name="Classes">width of the logits</param>
/// <param name="Mean">per-channel mean subtracted after scaling pixels to [0, 1]</param>
/// <param name="Std">per-channel standard deviation divided by after that</param>
/// <param name="Networks">every exported network</param>
/// <param name="Skipped">methods of the run that were not exported</param>
public sealed record WeightManifest(string Dataset, int[] Input, int Classes, float[] Mean, float[] Std,
    IReadOnlyList<ExportedNetwork> Networks, IReadOnlyList<SkippedMethod> Skipped)
{
    /// <summary>File name of the manifest inside the export folder.</summary>
    public const string FileName = "manifest.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The entry describing <paramref name="model"/> as member <paramref name="member"/> of <paramref name="method"/>.</summary>
    public static ExportedNetwork Describe(string method, int member, string file, PrunableModel model) =>
        new(method, member, file, model.Spec.Kind, model.Spec.Widths, model.Spec.Depth, model.Spec.WidthFactor, model.Spec.Dropout,
            model.UnitGroups.ToDictionary(g => g.Name, g => g.Units), model.ActiveParameters());

    /// <summary>Writes the manifest as indented camelCase JSON.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a manifest written by <see cref="Save"/>.</summary>
    public static WeightManifest Load(string path) =>
        JsonSerializer.Deserialize<WeightManifest>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} is empty; expected the manifest that subnet export-weights writes.");
}
