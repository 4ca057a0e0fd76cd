namespace SubnetNotebooks.Models;

/// <summary>
/// What network to build. <paramref name="Kind"/>: "mlp" | "smallcnn" | "resnet18" | "wrn".
/// <paramref name="Widths"/>: mlp hidden sizes; smallcnn conv channels per block; resnet18 stage widths (empty means
/// 64,128,256,512); wrn: empty means 16,16k,32k,64k with k = <paramref name="WidthFactor"/>, four explicit values
/// (stem, group 1, group 2, group 3) build a narrower network for tests.
/// <paramref name="Dropout"/> is the MC-dropout rate (0 = no dropout layers); <paramref name="Depth"/> and
/// <paramref name="WidthFactor"/> are WRN-depth-k's (depth = 6n + 4).
/// </summary>
public sealed record ModelSpec(string Kind, int[] Widths, double Dropout = 0.0, int Depth = 28, int WidthFactor = 10)
{
    /// <summary>A readable form, e.g. "resnet18[64,128,256,512] dropout 0".</summary>
    public override string ToString() =>
        Kind == "wrn" && Widths.Length == 0
            ? $"wrn-{Depth}-{WidthFactor} dropout {Dropout}"
            : $"{Kind}[{string.Join(",", Widths)}]{(Kind == "wrn" ? $" depth {Depth}" : "")} dropout {Dropout}";
}
