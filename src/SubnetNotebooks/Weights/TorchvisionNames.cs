using System.Text.RegularExpressions;

namespace SubnetNotebooks.Weights;

/// <summary>
/// torchvision's ResNet-18 parameter names (conv1, bn1, layerS.B.conv1 .. layerS.B.downsample.0/1, fc) mapped to the
/// kit's ResNet-18 names (stem, stem_bn, stageS_B.conv1 .. stageS_B.shortcut / shortcut_bn, head).
/// </summary>
public static partial class TorchvisionNames
{
    [GeneratedRegex(@"^layer([1-4])\.([0-9]+)\.(conv1|bn1|conv2|bn2|downsample\.0|downsample\.1)\.(.+)$")]
    private static partial Regex BlockKey();

    /// <summary>True when the keys look like torchvision's ResNet names (layer1.*, or conv1 with fc) rather than the kit's.</summary>
    /// <param name="keys">state dict keys of a file</param>
    public static bool AreTorchvision(IEnumerable<string> keys) =>
        keys.Any(k => k.StartsWith("layer1.", StringComparison.Ordinal) || k.StartsWith("fc.", StringComparison.Ordinal));

    /// <summary>The kit's name of a torchvision ResNet-18 key, or null when the key has no counterpart.</summary>
    /// <param name="key">e.g. "layer2.0.downsample.1.running_mean"</param>
    /// <returns>e.g. "stage2_0.shortcut_bn.running_mean"</returns>
    public static string? ToKit(string key)
    {
        foreach (var (from, to) in new[] { ("conv1.", "stem."), ("bn1.", "stem_bn."), ("fc.", "head.") })
            if (key.StartsWith(from, StringComparison.Ordinal)) return to + key[from.Length..];
        var m = BlockKey().Match(key);
        if (!m.Success) return null;
        var layer = m.Groups[3].Value switch
        {
            "downsample.0" => "shortcut",
            "downsample.1" => "shortcut_bn",
            var same => same,
        };
        return $"stage{m.Groups[1].Value}_{m.Groups[2].Value}.{layer}.{m.Groups[4].Value}";
    }
}
