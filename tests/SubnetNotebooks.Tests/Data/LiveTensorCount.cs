namespace SubnetNotebooks.Tests.Data;

/// <summary>
/// Tests that compare torch's process-wide count of live tensors before and after: they run alone, since any test running
/// beside them creates and disposes tensors and moves the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCount
{
    public const string Name = "live tensor count";
}
