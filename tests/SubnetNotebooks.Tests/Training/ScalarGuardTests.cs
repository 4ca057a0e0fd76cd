using System.Reflection;
using SubnetNotebooks.Native;
using SubnetNotebooks.Training;
using TorchSharp;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// The rule of ARCHITECTURE.md "Scalars": no code of the kit hands libtorch a Scalar that nothing keeps alive, neither by
/// converting a number to a Scalar itself nor by calling a TorchSharp method that does so inside (Tensor + Tensor,
/// torch.arange(n), BatchNorm2d.forward). Read from the compiled IL of every kit assembly.
/// </summary>
public class ScalarGuardTests
{
    /// <summary>Places that make Scalars and keep them: once per run, or per epoch, never per step.</summary>
    static readonly (Type Type, string Method, string Why)[] AllowList =
    [
        (typeof(OwnedScalars), "<Of>", "the one factory: every Scalar it makes lives for the process"),
        (typeof(Sgd), ".ctor", "the optimiser's Scalars, kept in fields until Dispose"),
        (typeof(Sgd), "set_LearningRate", "a new rate's Scalar, made once per epoch and kept until the next"),
        (typeof(SubnetNotebooks.Experiments.SoakCheck), "Train", "`subnet soak --optimizer torchsharp` trains with TorchSharp's SGD on purpose, to show its fault"),
        (typeof(SubnetNotebooks.Benchmarks.EfficiencyBenchmarks), "<OwnedScalarsStep>", "bench figure s times TorchSharp's SGD against the kit's"),
    ];

    static readonly Assembly[] KitAssemblies =
    [
        typeof(Trainer).Assembly,
        typeof(SubnetNotebooks.Headless.NotebookRunner).Assembly,
        typeof(SubnetNotebooks.Cli.CliErrors).Assembly,
    ];

    static bool Allowed(ScalarTemporaries.Finding f) =>
        AllowList.Any(a => (f.Caller.DeclaringType == a.Type || f.Caller.DeclaringType?.DeclaringType == a.Type)
                           && (f.Caller.Name == a.Method || f.Caller.Name.StartsWith(a.Method, StringComparison.Ordinal)));

    [Fact]
    public void NoKitMethodMakesATemporaryScalar()
    {
        var findings = KitAssemblies.SelectMany(ScalarTemporaries.In).Where(f => !Allowed(f)).Select(f => f.ToString()).Distinct().ToList();
        Assert.True(findings.Count == 0,
            $"{findings.Count} call(s) hand libtorch a Scalar nothing keeps alive; use OwnedScalars.Of(value) (and the two-Scalar " +
            "overloads, e.g. a.add(b, OwnedScalars.One)):\n" + string.Join("\n", findings));
    }

    [Fact]
    public void NoTorchSharpModuleTheKitCreatesMakesScalarsInItsForwardPass()
    {
        var moduleTypes = KitAssemblies.SelectMany(TorchSharpModulesCreated).Distinct().ToList();
        Assert.Contains(typeof(TorchSharp.Modules.Conv2d), moduleTypes); // the scan sees the modules the kit does create
        var unsafeForwards = moduleTypes
            .Select(t => (Type: t, Chain: t.GetMethods().Where(m => m.Name == "forward" && !m.IsAbstract).Select(ScalarTemporaries.ChainInside).FirstOrDefault(c => c is not null)))
            .Where(x => x.Chain is not null)
            .Select(x => $"{x.Type.Name}: {x.Chain}")
            .ToList();
        Assert.True(unsafeForwards.Count == 0,
            "TorchSharp modules whose forward pass makes a temporary Scalar (write the kit's own, as PlainBatchNorm2d):\n" + string.Join("\n", unsafeForwards));
    }

    /// <summary>The guard itself: it must see a temporary Scalar where one is made, directly or inside TorchSharp.</summary>
    [Fact]
    public void TheScanFindsTemporaryScalarsWhereTheyAre()
    {
        var findings = ScalarTemporaries.In(typeof(ScalarGuardTests).Assembly)
            .Where(f => f.Caller.DeclaringType == typeof(Examples)).Select(f => f.Caller.Name + ": " + f.Callee).ToList();
        Assert.Contains(findings, f => f.StartsWith("Scaled: ") && f.Contains("op_Multiply(Tensor, Double) -> Scalar.op_Implicit(Double)"));
        Assert.Contains(findings, f => f.StartsWith("Sum: ") && f.Contains("Tensor.add(Tensor) -> Scalar.op_Implicit(Int32)"));
        Assert.Contains(findings, f => f.StartsWith("Clamped: ") && f.Contains("Scalar.op_Implicit(Single)"));
        Assert.DoesNotContain(findings, f => f.StartsWith("Owned"));
        Assert.NotNull(ScalarTemporaries.ChainInside(typeof(TorchSharp.Modules.BatchNorm2d).GetMethod("forward")!));
        Assert.NotNull(ScalarTemporaries.ChainInside(typeof(TorchSharp.Modules.SGD).GetMethod("step")!));
    }

    static IEnumerable<Type> TorchSharpModulesCreated(Assembly assembly)
    {
        var torchSharp = typeof(torch).Assembly;
        foreach (var type in assembly.GetTypes())
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                         .Cast<MethodBase>().Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)))
                foreach (var callee in ScalarTemporaries.Calls(method))
                {
                    var made = callee is ConstructorInfo c ? c.DeclaringType : (callee as MethodInfo)?.ReturnType;
                    if (made is not null && made.Assembly == torchSharp && typeof(torch.nn.Module).IsAssignableFrom(made) && !made.IsAbstract)
                        yield return made;
                }
    }

    /// <summary>Fixtures for the scan: three ways to make a temporary Scalar, and their owned forms.</summary>
    static class Examples
    {
        public static torch.Tensor Scaled(torch.Tensor x) => x * 0.5;
        public static torch.Tensor Sum(torch.Tensor x, torch.Tensor y) => x + y;
        public static torch.Tensor Clamped(torch.Tensor x) => x.clamp_min(1e-12f);
        public static torch.Tensor OwnedScaled(torch.Tensor x) => x.mul(OwnedScalars.Of(0.5));
        public static torch.Tensor OwnedSum(torch.Tensor x, torch.Tensor y) => x.add(y, OwnedScalars.One);
    }
}
