using SubnetNotebooks.Native;
using SubnetNotebooks.Masking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Models;

/// <summary>
/// A classifier whose prunable units (hidden units of linear layers, output channels of convolutions) are grouped
/// into <see cref="UnitGroups"/> and can be masked, so that one network holds M non-overlapping subnetworks.
/// Input: float [batch, channels, height, width]; output: logits [batch, classes]. The model input and the class
/// outputs are shared by every subnetwork and never masked.
/// </summary>
public abstract class PrunableModel : nn.Module<Tensor, Tensor>
{
    readonly List<MaskedLayer> _layers = [];
    readonly List<SeededDropout> _dropouts = [];
    IReadOnlyList<UnitGroup> _groups = [];
    bool _testTimeDropout;

    /// <summary>Stores what the model was built for; subclasses build layers, then call <see cref="Seal"/>.</summary>
    protected PrunableModel(string name, ModelSpec spec, int channels, int height, int width, int classes) : base(name)
    {
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"Input shape [{channels}, {height}, {width}] is not an image shape; expected positive channels, height and width.");
        if (classes < 2)
            throw new ArgumentException($"A classifier needs at least 2 classes; got {classes}. Pass the dataset's class count.");
        Spec = spec;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
    }

    /// <summary>The specification the model was built from (a compacted model keeps its parent's; its <see cref="UnitGroups"/> give its real widths).</summary>
    public ModelSpec Spec { get; }
    /// <summary>Number of classes (width of the logits).</summary>
    public int Classes { get; }
    /// <summary>Input channels.</summary>
    public int Channels { get; }
    /// <summary>Input height.</summary>
    public int Height { get; }
    /// <summary>Input width.</summary>
    public int Width { get; }

    /// <summary>Every prunable unit group in forward order.</summary>
    public IReadOnlyList<UnitGroup> UnitGroups => _groups;

    /// <summary>Every masked layer (linear, convolution, BatchNorm) in forward order.</summary>
    public IReadOnlyList<MaskedLayer> MaskedLayers => _layers;

    /// <summary>The mask applied now; null for the dense model.</summary>
    public MaskSet? Mask { get; private set; }

    /// <summary>Whether dropout stays stochastic in evaluation mode (MC dropout).</summary>
    public bool TestTimeDropout => _testTimeDropout;

    /// <summary>True when the model has dropout layers (spec dropout rate above 0).</summary>
    public bool HasDropout => _dropouts.Count > 0;

    /// <summary>Records a masked layer (call in forward order) and returns it.</summary>
    protected T Track<T>(T layer) where T : MaskedLayer
    {
        _layers.Add(layer);
        return layer;
    }

    /// <summary>Creates and records a dropout layer of the spec's rate, or returns null when the rate is 0.</summary>
    protected SeededDropout? MakeDropout()
    {
        if (Spec.Dropout <= 0) return null;
        if (Spec.Dropout >= 1)
            throw new ArgumentException($"Dropout rate {Spec.Dropout} is not in [0, 1). Use e.g. 0.1 to 0.5, or 0 for none.");
        var d = new SeededDropout(Spec.Dropout);
        _dropouts.Add(d);
        return d;
    }

    /// <summary>Records a dropout layer that the subclass made itself (e.g. from a user's network), so MC dropout reaches it.</summary>
    /// <param name="dropout">the layer, registered by the subclass</param>
    protected SeededDropout TrackDropout(SeededDropout dropout)
    {
        _dropouts.Add(dropout);
        return dropout;
    }

    /// <summary>Registers components, derives <see cref="UnitGroups"/> from the tracked layers and checks their widths agree.</summary>
    protected void Seal()
    {
        RegisterComponents();
        var modules = named_modules().Select(m => m.name).ToHashSet();
        var groups = new List<UnitGroup>();
        foreach (var layer in _layers)
        {
            if (!modules.Contains(layer.Path))
                throw new InvalidOperationException($"Masked layer '{layer.Path}' of {GetType().Name} is not registered under that path.");
            if (layer.OutputGroup is null) continue;
            var i = groups.FindIndex(g => g.Name == layer.OutputGroup);
            if (i < 0) groups.Add(new UnitGroup(layer.OutputGroup, layer.OutputUnits, [layer.Path]));
            else if (groups[i].Units != layer.OutputUnits)
                throw new InvalidOperationException($"Layer '{layer.Path}' writes {layer.OutputUnits} units into group '{layer.OutputGroup}' of {groups[i].Units}.");
            else groups[i] = groups[i] with { Layers = [.. groups[i].Layers, layer.Path] };
        }
        _groups = groups;
    }

    /// <summary>Builds the same architecture with other group widths (used by compaction and cloning).</summary>
    /// <param name="widths">group name to width; every group of this model</param>
    internal abstract PrunableModel WithWidths(IReadOnlyDictionary<string, int> widths);

    /// <summary>
    /// The module whose forward pass is the model's and below which <see cref="MaskedLayer.Path"/>s are found: the model
    /// itself, or the user's network of a <see cref="Custom.SplitNetwork"/>. The fused network swaps layers below it.
    /// </summary>
    internal virtual nn.Module<Tensor, Tensor> Network => this;

    /// <summary>Width of a group: the override when given, else the default.</summary>
    protected static int WidthOf(IReadOnlyDictionary<string, int>? widths, string group, int fallback) =>
        widths is not null && widths.TryGetValue(group, out var w) ? w : fallback;

    /// <summary>
    /// Applies a subnetwork mask (null: dense). Masked weights, biases and BatchNorm parameters are zeroed in place and
    /// multiplied by the mask in every forward pass, so they stay exactly zero in training. Create the optimiser's
    /// momentum state after applying the mask (or reset it). Removing the mask leaves zeroed weights at zero.
    /// </summary>
    public void ApplyMask(MaskSet? mask)
    {
        mask?.Validate(this);
        foreach (var layer in _layers) layer.SetMask(mask);
        Mask = mask;
    }

    /// <summary>Sets training mode; dropout stays in training mode while test-time dropout is on.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        if (_testTimeDropout) foreach (var d in _dropouts) d.train(true);
    }

    /// <summary>MC dropout: with <paramref name="on"/>, dropout stays stochastic while the rest of the model is in evaluation mode (no effect without dropout layers, see <see cref="HasDropout"/>).</summary>
    public void SetTestTimeDropout(bool on)
    {
        _testTimeDropout = on;
        var mode = training;
        foreach (var d in _dropouts) d.train(on || mode);
    }

    /// <summary>Parameters kept by the current mask (all parameters when dense).</summary>
    public long ActiveParameters() => ActiveParameters(Mask);

    /// <summary>Parameters a subnetwork with <paramref name="mask"/> keeps, counted analytically (null: all parameters).</summary>
    public long ActiveParameters(MaskSet? mask)
    {
        mask?.Validate(this);
        return _layers.Sum(l => l.ActiveParameters(mask));
    }

    /// <summary>FLOPs per example (2 x multiply-adds of linear and convolution layers) under the current mask.</summary>
    public long FlopsPerExample() => FlopsPerExample(Mask);

    /// <summary>FLOPs per example (2 x multiply-adds of linear and convolution layers) of a subnetwork with <paramref name="mask"/>.</summary>
    public long FlopsPerExample(MaskSet? mask)
    {
        mask?.Validate(this);
        return _layers.Sum(l => l.Flops(mask));
    }

    /// <summary>
    /// Extracts the subnetwork of a unit-level mask as a thin dense model holding only its kept units; in evaluation
    /// mode it gives the same logits as this model with the mask applied. The thin model is in evaluation mode, on this
    /// model's device, unmasked, with this model's test-time dropout setting.
    /// </summary>
    public PrunableModel Compact(MaskSet mask) => Compaction.Extract(this, mask);

    /// <summary>A deep copy: parameters, buffers, mask, mode and test-time dropout setting; on the same device.</summary>
    public PrunableModel CloneModel()
    {
        using var held = HeldTensors.Hold();
        var copy = WithWidths(_groups.ToDictionary(g => g.Name, g => g.Units));
        var device = _layers[0].Weight.device;
        copy.to(device);
        using (no_grad())
        {
            var source = state_dict();
            foreach (var (name, t) in copy.state_dict()) t.copy_(source[name]);
        }
        copy.ApplyMask(Mask);
        copy.train(training);
        copy.SetTestTimeDropout(_testTimeDropout);
        return copy;
    }
}
