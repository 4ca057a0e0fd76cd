using SubnetNotebooks.Models.Custom;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SubnetNotebooks.Tests.Models.Custom;

public class ModuleSurgeryTests
{
    /// <summary>Two layers held in an array field declared with the element type <typeparamref name="T"/>, applied in turn.</summary>
    sealed class ArrayHolder<T> : Module<Tensor, Tensor> where T : Module<Tensor, Tensor>
    {
        readonly T[] _layers;

        public ArrayHolder(T first, T second) : base("ArrayHolder")
        {
            _layers = [first, second];
            register_module("l0", first);
            register_module("l1", second);
        }

        public override Tensor forward(Tensor input) => _layers[1].call(_layers[0].call(input));
    }

    /// <summary>A child registered but held by no field.</summary>
    sealed class Unheld : Module<Tensor, Tensor>
    {
        public Unheld() : base("Unheld") => register_module("fc", Linear(2, 2));
        public override Tensor forward(Tensor input) => input;
    }

    [Fact]
    public void AnArrayElementIsRedirectedSoTheForwardPassCallsTheReplacement()
    {
        manual_seed(3);
        using var first = Linear(3, 3);
        using var second = Linear(3, 3);
        using var holder = new ArrayHolder<Module<Tensor, Tensor>>(first, second);
        using var identity = Identity();
        ModuleSurgery.Replace(holder, "l1", second, identity, "l1");
        using var x = randn(4, 3);
        using var _ = no_grad();
        // With the second layer an identity the holder computes the first layer alone: y = x W^T + b.
        var expected = x.matmul(first.weight!.t()).add(first.bias!);
        Assert.True((holder.call(x) - expected).abs().max().item<float>() < 1e-6f);
        Assert.Same(identity, holder.named_children().Single(c => c.name == "l1").module);
    }

    [Fact]
    public void AnArrayOfTheOldLayersTypeGivesAnErrorNamingTheField()
    {
        using var holder = new ArrayHolder<TorchSharp.Modules.Linear>(Linear(2, 2), Linear(2, 2));
        var old = (TorchSharp.Modules.Linear)holder.named_children().Single(c => c.name == "l0").module;
        var error = Assert.Throws<ArgumentException>(() => ModuleSurgery.Replace(holder, "l0", old, Identity(), "net.l0"));
        Assert.Contains("_layers", error.Message);
        Assert.Contains("'net.l0'", error.Message);
        Assert.Contains("Module<Tensor, Tensor>", error.Message);
    }

    [Fact]
    public void AChildThatNoFieldHoldsCannotBeRedirected()
    {
        using var unheld = new Unheld();
        var old = unheld.named_children().Single().module;
        var error = Assert.Throws<ArgumentException>(() => ModuleSurgery.Replace(unheld, "fc", old, Identity(), "fc"));
        Assert.Contains("no field holds it", error.Message);
    }
}
