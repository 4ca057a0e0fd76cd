using SubnetNotebooks.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// <see cref="HeldTensors"/>: while a hold is open every tensor the thread makes belongs to a scope (so no collection can
/// finalize a temporary mid-call), and when it ends the tensors are where they would have been without it.
/// </summary>
[Collection(nameof(GcStressTests))] // reads this thread's scope statistics; alone, like the other collection tests
public class HeldTensorsTests
{
    static long Outside => DisposeScopeManager.Statistics.CreatedOutsideScopeCount;

    [Fact]
    public void InsideAHoldEvenAChainsTemporariesBelongToAScope()
    {
        long before = Outside;
        Tensor result;
        using (HeldTensors.Hold())
            result = arange(OwnedScalars.Of(0), OwnedScalars.Of(6), OwnedScalars.Of(1)).to(ScalarType.Float32).mul(OwnedScalars.Of(2));
        Assert.Equal(before, Outside);
        // Without a caller's scope the result is the caller's, alive after the hold, as if no scope had been opened.
        Assert.False(result.IsInvalid);
        Assert.Equal([0f, 2f, 4f, 6f, 8f, 10f], result.data<float>().ToArray());
        result.Dispose();

        long made = Outside;
        arange(OwnedScalars.Of(0), OwnedScalars.Of(3), OwnedScalars.Of(1)).mul(OwnedScalars.Of(2)).Dispose();
        Assert.Equal(made + 2, Outside); // the same chain with no hold: two tensors made outside any scope
    }

    [Fact]
    public void WhatAHoldStillHoldsGoesToTheCallersScope()
    {
        Tensor made;
        using (var caller = NewDisposeScope())
        {
            using (HeldTensors.Hold())
                made = ones(3).add(ones(3), OwnedScalars.One);
            Assert.True(caller.Contains(made), "the tensor made under the hold is not in the caller's scope");
            Assert.False(made.IsInvalid);
        }
        Assert.True(made.IsInvalid, "the caller's scope did not dispose the tensor made under the hold");
    }

    [Fact]
    public void ATensorDisposedUnderTheHoldIsNotHandedOn()
    {
        using var caller = NewDisposeScope();
        Tensor kept;
        using (HeldTensors.Hold())
        {
            using var scratch = zeros(4);
            kept = scratch.add(OwnedScalars.Of(1f));
        }
        Assert.Equal(1, caller.DisposablesCount); // only kept: scratch was disposed inside
        Assert.True(caller.Contains(kept));
    }
}
