namespace SubnetNotebooks.Tests.Data;

/// <summary>
/// Tests that compare torch's process-wide count of live tensors before and after: they run alone, since any test running
/// beside them creates and disposes tensors and moves the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCount
{
    /// <summary>The collection's name.</summary>
    public const string Name = "live tensor count";

    /// <summary>
    /// torch's count of live tensors once the tensors that earlier tests left to the garbage collector are finalized (their
    /// finalizers would otherwise lower the count in the middle of a test).
    /// </summary>
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchSharp.torch.Tensor.TotalCount;
    }
}
