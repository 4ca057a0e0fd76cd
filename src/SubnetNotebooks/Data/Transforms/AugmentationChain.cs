using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Data;

/// <summary>Applies several batch transforms in order, sharing the iterator's generator.</summary>
/// <param name="steps">the transforms, first applied first</param>
public sealed class AugmentationChain(params IBatchAugmentation[] steps) : IBatchAugmentation
{
    /// <summary>The transforms, first applied first.</summary>
    public IReadOnlyList<IBatchAugmentation> Steps { get; } = steps;

    /// <summary>True when every step only moves pixels.</summary>
    public bool MovesPixelsOnly => Steps.All(s => s.MovesPixelsOnly);

    /// <param name="images">float32 [B, C, H, W]</param>
    /// <param name="generator">seeded generator owned by the iterator</param>
    /// <returns>float32 [B, C, H', W'] after the last step</returns>
    public Tensor Apply(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = images;
        foreach (var step in Steps) x = step.Apply(x, generator);
        return x.MoveToOuterDisposeScope();
    }
}
