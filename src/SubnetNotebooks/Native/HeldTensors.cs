using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Native;

/// <summary>
/// Keeps every tensor the calling thread makes reachable until the end of a call into the kit. TorchSharp 0.107 hands
/// libtorch only a tensor's native handle, so a temporary that nothing references any more (the receiver of a chained
/// call such as <c>randint(...).to(Float32).mul(two)</c>, or an argument computed in place) can be finalized by a garbage
/// collection on another thread while libtorch still reads it: a crash in the middle of the operation, or a wrong value.
/// A dispose scope references every tensor made in it, so nothing made inside one is finalized early. The kit's entry
/// points (building networks, training, prediction) run inside <see cref="Hold"/>; when the hold ends, what it still holds
/// goes to the caller's dispose scope, or, when the caller has none, back to its owners and the garbage collector, exactly
/// as if no scope had been opened. Per-step and per-epoch work opens its own scopes inside, so a hold does not grow with
/// the length of a run. The rule is checked by GcStressTests: no tensor is made outside a dispose scope while a method
/// trains and predicts.
/// </summary>
public sealed class HeldTensors : IDisposable
{
    readonly DisposeScope _scope;

    HeldTensors(DisposeScope scope) => _scope = scope;

    /// <summary>Holds every tensor this thread makes from now until the returned hold is disposed.</summary>
    public static HeldTensors Hold() => new(NewDisposeScope());

    /// <summary>Hands what the hold still holds to the caller's scope (none: to nobody, as before the hold) and closes it.</summary>
    public void Dispose()
    {
        _scope.MoveToOuter(_scope.DisposablesView.ToArray());
        _scope.Dispose();
    }
}
