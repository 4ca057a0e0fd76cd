using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using TorchSharp;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// Finds, in compiled IL, the calls that hand libtorch a TorchSharp <see cref="Scalar"/> that nothing keeps alive: the
/// implicit conversions (<c>op_Implicit</c> to Scalar) and <c>ToScalar()</c>, called by the kit itself or inside a
/// TorchSharp method the kit calls (<c>Tensor + Tensor</c> is <c>add(target, 1)</c>, which makes a temporary Scalar).
/// Such a temporary can be finalized by a garbage collection on another thread while the native call still reads it.
/// The IL is read with System.Reflection.Metadata's <see cref="BlobReader"/>; call targets are resolved through the loaded modules.
/// </summary>
static class ScalarTemporaries
{
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    static readonly Assembly TorchSharpAssembly = typeof(torch).Assembly;
    static readonly ConcurrentDictionary<MethodBase, string?> InsideTorchSharp = new();

    /// <summary>One call that creates a temporary Scalar: the calling method, and what it calls (with the chain inside TorchSharp).</summary>
    public sealed record Finding(MethodBase Caller, string Callee)
    {
        /// <summary>The caller as Type.Method, with the compiler's lambda, iterator and local-function names kept.</summary>
        public string CallerName => $"{Caller.DeclaringType?.FullName}.{Caller.Name}";
        public override string ToString() => $"{CallerName} calls {Callee}";
    }

    /// <summary>True for a Scalar conversion: an implicit operator to TorchSharp.Scalar or a ToScalar extension.</summary>
    public static bool IsScalarConversion(MethodBase method) =>
        method is MethodInfo info && info.ReturnType == typeof(Scalar)
        && (method.Name == "op_Implicit" || method.Name == "ToScalar");

    /// <summary>Every call in <paramref name="assembly"/> that makes a temporary Scalar, directly or inside TorchSharp.</summary>
    public static IEnumerable<Finding> In(Assembly assembly)
    {
        foreach (var type in Types(assembly))
            foreach (var method in Methods(type))
                foreach (var callee in Calls(method))
                {
                    if (IsScalarConversion(callee))
                        yield return new Finding(method, Describe(callee));
                    else if (callee.Module.Assembly == TorchSharpAssembly && ChainInside(callee) is { } chain)
                        yield return new Finding(method, chain);
                }
    }

    /// <summary>
    /// The chain of calls by which TorchSharp's <paramref name="method"/> reaches a Scalar conversion ("Tensor.add(Tensor) -&gt;
    /// Scalar.op_Implicit(Int32)"), or null when it never does (following calls within TorchSharp only).
    /// </summary>
    public static string? ChainInside(MethodBase method)
    {
        if (InsideTorchSharp.TryGetValue(method, out var known)) return known;
        InsideTorchSharp[method] = null; // cycles end here
        string? found = null;
        foreach (var callee in Calls(method))
        {
            if (IsScalarConversion(callee)) { found = $"{Describe(method)} -> {Describe(callee)}"; break; }
            if (callee.Module.Assembly != TorchSharpAssembly || callee == method) continue;
            if (ChainInside(callee) is { } deeper) { found = $"{Describe(method)} -> {deeper}"; break; }
        }
        InsideTorchSharp[method] = found;
        return found;
    }

    /// <summary>The methods that <paramref name="method"/>'s IL calls (call, callvirt, newobj, ldftn), resolved; unresolvable tokens are skipped.</summary>
    public static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException) { il = null; }
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        List<int> tokens;
        try { tokens = CallTokens(il); }
        catch (BadImageFormatException e) { throw new BadImageFormatException($"{method.DeclaringType?.FullName}.{method.Name}: {e.Message}", e); }
        foreach (var token in tokens)
        {
            MethodBase? callee;
            try { callee = method.Module.ResolveMethod(token, typeArgs, methodArgs); }
            catch (Exception e) when (e is ArgumentException or TypeLoadException or MissingMethodException or BadImageFormatException or FileNotFoundException)
            { callee = null; }
            if (callee is not null) yield return callee;
        }
    }

    /// <summary>The metadata tokens of every call-like instruction in an IL body.</summary>
    static List<int> CallTokens(byte[] il)
    {
        var tokens = new List<int>();
        unsafe
        {
            fixed (byte* start = il)
            {
                var reader = new BlobReader(start, il.Length);
                while (reader.RemainingBytes > 0)
                {
                    short value = reader.ReadByte();
                    if (value == 0xFE) value = (short)(0xFE00 | reader.ReadByte());
                    if (!OpCodesByValue.TryGetValue(value, out var op))
                        throw new BadImageFormatException($"Unknown IL opcode 0x{value:X}.");
                    if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn || op == OpCodes.Ldvirtftn)
                    {
                        tokens.Add(reader.ReadInt32());
                        continue;
                    }
                    switch (op.OperandType)
                    {
                        case OperandType.InlineNone: break;
                        case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: reader.Offset += 1; break;
                        case OperandType.InlineVar: reader.Offset += 2; break;
                        case OperandType.InlineI8 or OperandType.InlineR: reader.Offset += 8; break;
                        case OperandType.InlineSwitch: int targets = reader.ReadInt32(); reader.Offset += 4 * targets; break;
                        default: reader.Offset += 4; break;
                    }
                }
            }
        }
        return tokens;
    }

    static IEnumerable<Type> Types(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }

    static IEnumerable<MethodBase> Methods(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
    }

    static string Describe(MethodBase method) =>
        $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
