using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Models;

namespace SubnetNotebooks.Weights;

/// <summary>
/// The standalone networks of a trained ensemble written as PyTorch state dicts under the kit's names, with the
/// manifest entries that rebuild them (scripts/pytorch/subnet_models.py). Subnetwork members are the compact thin
/// networks; single, MC dropout and every deep-ensemble member are full networks.
/// </summary>
public static class EnsembleWeights
{
    /// <summary>Methods whose members are standalone networks of the configured architecture.</summary>
    public static IReadOnlyList<string> Exportable { get; } = ["single", "mcdropout", "deep", "subnet"];

    /// <summary>The ensemble's standalone networks with their 1-based member index, or null when its members share one network.</summary>
    public static IReadOnlyList<(int Member, PrunableModel Model)>? Networks(IEnsemble ensemble) => ensemble switch
    {
        SingleModel s => [(1, s.Model)],
        McDropout m => [(1, m.Model)],
        DeepEnsemble d => d.Models.Select((m, i) => (i + 1, m)).ToArray(),
        SubnetworkEnsemble s => s.MemberModels.Select((m, i) => (i + 1, m)).ToArray(),
        _ => null,
    };

    /// <summary>Writes &lt;method&gt;/member&lt;k&gt;.pt for every network of <paramref name="ensemble"/> under <paramref name="folder"/>.</summary>
    /// <returns>the manifest entries of the written files</returns>
    public static IReadOnlyList<ExportedNetwork> Write(IEnsemble ensemble, string folder)
    {
        var networks = Networks(ensemble) ?? throw new ArgumentException(
            $"{ensemble.Method}: its members share one network (masks, fast weights or several heads), so they are not standalone networks; " +
            $"export-weights writes {string.Join(", ", Exportable)}.");
        var written = new List<ExportedNetwork>();
        foreach (var (member, model) in networks)
        {
            var file = $"{ensemble.Method}/member{member}.pt";
            var state = StateDictFile.Of(model);
            try { StateDictFile.Write(Path.Combine(folder, file), state); }
            finally { foreach (var t in state.Values) t.Dispose(); }
            written.Add(WeightManifest.Describe(ensemble.Method, member, file, model));
        }
        return written;
    }

    /// <summary>Writes every network of <paramref name="ensembles"/> and manifest.json into <paramref name="folder"/>.</summary>
    /// <param name="ensembles">trained ensembles (exportable ones; see <see cref="Exportable"/>)</param>
    /// <param name="info">the dataset the ensembles were trained on (input shape, classes)</param>
    /// <param name="normalization">the normalisation the networks expect</param>
    /// <param name="folder">export folder</param>
    /// <param name="skipped">methods left out, with the reason, recorded in the manifest</param>
    public static WeightManifest Export(IEnumerable<IEnsemble> ensembles, DatasetInfo info, Normalization normalization, string folder,
        IReadOnlyList<SkippedMethod>? skipped = null)
    {
        Directory.CreateDirectory(folder);
        var networks = ensembles.SelectMany(e => Write(e, folder)).ToArray();
        var manifest = new WeightManifest(info.Name, [info.Channels, info.ImageSize, info.ImageSize], info.Classes,
            normalization.Mean, normalization.Std, networks, skipped ?? []);
        manifest.Save(Path.Combine(folder, WeightManifest.FileName));
        return manifest;
    }
}
