using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Models;

/// <summary>Small models and hand-made masks shared by the model and masking tests.</summary>
static class TinyModels
{
    public static PrunableModel Mlp(double dropout = 0) { manual_seed(1); return ModelFactory.Create(new ModelSpec("mlp", [6, 5], dropout), 1, 4, 4, 3); }
    public static PrunableModel Cnn(double dropout = 0) { manual_seed(2); return ModelFactory.Create(new ModelSpec("smallcnn", [4, 6], dropout), 1, 8, 8, 3); }
    public static PrunableModel ResNet(double dropout = 0) { manual_seed(3); return ModelFactory.Create(new ModelSpec("resnet18", [4, 4, 8, 8], dropout), 3, 8, 8, 5); }
    public static PrunableModel Wrn(double dropout = 0) { manual_seed(4); return ModelFactory.Create(new ModelSpec("wrn", [], dropout, Depth: 10, WidthFactor: 1), 3, 8, 8, 5); }

    public static IEnumerable<object[]> Families() => [["mlp"], ["smallcnn"], ["resnet18"], ["wrn"]];

    public static PrunableModel ByName(string family, double dropout = 0) => family switch
    {
        "mlp" => Mlp(dropout),
        "smallcnn" => Cnn(dropout),
        "resnet18" => ResNet(dropout),
        _ => Wrn(dropout),
    };

    /// <summary>Member <paramref name="member"/> of <paramref name="members"/> keeps the units i with i mod members == member.</summary>
    public static MaskSet Stripe(PrunableModel model, int members, int member) =>
        new(model.UnitGroups.ToDictionary(g => g.Name, g => Enumerable.Range(0, g.Units).Select(i => i % members == member).ToArray()));

    /// <summary>A random batch of images of the model's input shape and labels.</summary>
    public static (Tensor X, Tensor Y) Batch(PrunableModel model, int batch, long seed)
    {
        manual_seed(seed);
        return (randn(batch, model.Channels, model.Height, model.Width), randint(0, model.Classes, [batch]));
    }

    /// <summary>Every parameter entry that the mask removes, as (parameter name, values at masked entries).</summary>
    public static float[] MaskedEntries(PrunableModel model, MaskSet mask)
    {
        var values = new List<float>();
        foreach (var layer in model.MaskedLayers)
        {
            var outKeep = layer.OutputGroup is null ? null : mask.UnitMask(layer.OutputGroup);
            var inKeep = layer.InputGroup is null ? null : mask.UnitMask(layer.InputGroup);
            var w = layer.Weight.detach().cpu().to(ScalarType.Float32).data<float>().ToArray();
            var perOut = w.Length / layer.OutputUnits;
            var area = layer.IsWeightLayer ? perOut / layer.InputUnits : 1;
            for (var f = 0; f < w.Length; f++)
            {
                var o = f / perOut;
                var i = layer.IsWeightLayer ? f / area % layer.InputUnits : o;
                var kept = (outKeep?[o] ?? true) && (!layer.IsWeightLayer || (inKeep?[i] ?? true));
                if (!kept) values.Add(w[f]);
            }
            if (layer.Bias is { } b && outKeep is not null)
            {
                var bv = b.detach().cpu().to(ScalarType.Float32).data<float>().ToArray();
                for (var o = 0; o < bv.Length; o++) if (!outKeep[o]) values.Add(bv[o]);
            }
        }
        return values.ToArray();
    }
}
