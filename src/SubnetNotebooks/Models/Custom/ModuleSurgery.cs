using System.Reflection;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models.Custom;

/// <summary>
/// Swaps one child module of a TorchSharp network for another under the same name, so that the parent's forward pass
/// calls the new one: in the parent's registry of submodules, in a Sequential's list, and in every field (or element of
/// an array field) of the parent that holds the old child. TorchSharp 0.107 has no public API for this (PyTorch's setattr), so it is done by
/// reflection on TorchSharp's Module (field _internal_submodules) and Sequential (field _modules).
/// </summary>
internal static class ModuleSurgery
{
    const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Replaces the child <paramref name="name"/> of <paramref name="parent"/> (now <paramref name="old"/>) by <paramref name="replacement"/>.</summary>
    /// <param name="parent">the module holding the child</param>
    /// <param name="name">the child's name in the parent, e.g. "conv1" or "0"</param>
    /// <param name="old">the child now registered under that name</param>
    /// <param name="replacement">the module to put in its place</param>
    /// <param name="path">the child's full path, for errors</param>
    public static void Replace(nn.Module parent, string name, nn.Module old, nn.Module replacement, string path)
    {
        var registry = (OrderedDict<string, nn.Module>)RegistryField.GetValue(parent)!;
        if (registry.TryGetValue(name, out var registered) && ReferenceEquals(registered, old)) registry[name] = replacement;
        if (parent is Sequential && SequentialList.GetValue(parent) is System.Collections.IList list)
        {
            var i = list.Cast<object>().ToList().FindIndex(m => ReferenceEquals(m, old));
            if (i < 0) throw new InvalidOperationException($"Sequential holding '{path}' does not list it.");
            list[i] = replacement;
            return;
        }
        var fields = 0;
        for (var type = parent.GetType(); type is not null && type != typeof(nn.Module); type = type.BaseType)
            foreach (var field in type.GetFields(Instance))
            {
                var value = field.GetValue(parent);
                if (ReferenceEquals(value, old))
                {
                    Check(field.FieldType, type, field, replacement, path);
                    field.SetValue(parent, replacement);
                    fields++;
                }
                else if (value is nn.Module[] array && Array.FindIndex(array, m => ReferenceEquals(m, old)) is var i and >= 0)
                {
                    Check(field.FieldType.GetElementType()!, type, field, replacement, path);
                    array[i] = replacement;
                    fields++;
                }
            }
        if (fields == 0)
            throw new ArgumentException(
                $"'{path}' is registered in {parent.GetType().Name} but no field holds it, so its forward pass cannot be redirected; " +
                "keep each layer in a field (or a Sequential) of the module that calls it.");
    }

    /// <summary>
    /// Replaces the module at <paramref name="path"/> below the root <paramref name="byPath"/>[""] (every module of the
    /// network by dotted path) by <paramref name="replacement"/>, in its parent and in <paramref name="byPath"/>.
    /// </summary>
    /// <param name="byPath">path to module, "" the root</param>
    /// <param name="path">the dotted path of the module to replace, e.g. "layer1.0.conv1"</param>
    /// <param name="replacement">the module to put in its place</param>
    public static void ReplaceAt(Dictionary<string, nn.Module> byPath, string path, nn.Module replacement)
    {
        var dot = path.LastIndexOf('.');
        Replace(byPath[dot < 0 ? "" : path[..dot]], path[(dot + 1)..], byPath[path], replacement, path);
        byPath[path] = replacement;
    }

    /// <summary>Every module of <paramref name="root"/> by dotted path, the root itself under "".</summary>
    /// <param name="root">the network</param>
    public static Dictionary<string, nn.Module> ModulesByPath(nn.Module root)
    {
        var byPath = root.named_modules().ToDictionary(m => m.name, m => m.module);
        byPath[""] = root;
        return byPath;
    }

    static void Check(Type declared, Type owner, FieldInfo field, nn.Module replacement, string path)
    {
        if (!declared.IsInstanceOfType(replacement))
            throw new ArgumentException(
                $"Field {owner.Name}.{field.Name} holding '{path}' is declared {field.FieldType.Name}, which cannot hold the kit's " +
                $"{replacement.GetType().Name}; declare it as Module<Tensor, Tensor> (as TorchSharp's own models do).");
    }

    static readonly FieldInfo RegistryField = typeof(nn.Module).GetField("_internal_submodules", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("TorchSharp's Module has no field _internal_submodules; the split needs TorchSharp 0.107.");

    static readonly FieldInfo SequentialList = typeof(Sequential).GetField("_modules", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("TorchSharp's Sequential has no field _modules; the split needs TorchSharp 0.107.");
}
