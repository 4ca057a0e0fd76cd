using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>
/// SGD with momentum, Nesterov momentum and weight decay, computed as torch.optim.SGD computes it (no dampening): the
/// kit's own, because TorchSharp 0.107's SGD hands libtorch temporary Scalars (<c>grad.add(param, alpha: weight_decay)</c>)
/// that a garbage collection on another thread can free mid-call. Every Scalar this optimiser passes is a field created
/// once (the learning rate's when the rate changes) and kept until <see cref="Dispose"/>; every tensor of a step is held
/// by the step's dispose scope. Its state file is TorchSharp's SGD layout, so checkpoints written with either resume with either.
/// </summary>
public sealed class Sgd : IDisposable
{
    const string StateName = "SGD"; // the type name TorchSharp's save_state_dict writes first
    readonly Parameter[] _parameters;
    readonly Tensor?[] _momentum;
    readonly Scalar _momentumScalar, _weightDecayScalar, _one;
    Scalar _minusLearningRate;
    double _learningRate;
    bool _disposed;

    /// <summary>Creates the optimiser over <paramref name="parameters"/> (their order is the order of the state file).</summary>
    /// <param name="parameters">the trained parameters</param>
    /// <param name="learningRate">the initial rate, &gt; 0</param>
    /// <param name="momentum">momentum factor in [0, 1)</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, &gt;= 0</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0)</param>
    public Sgd(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
    {
        if (!(learningRate > 0)) throw new ArgumentException($"SGD: the learning rate must be > 0, got {learningRate}.", nameof(learningRate));
        if (momentum is < 0 or >= 1) throw new ArgumentException($"SGD: momentum must be in [0, 1), got {momentum}.", nameof(momentum));
        if (weightDecay < 0) throw new ArgumentException($"SGD: weight decay must be >= 0, got {weightDecay}.", nameof(weightDecay));
        if (nesterov && momentum == 0) throw new ArgumentException("SGD: Nesterov momentum needs a momentum > 0.", nameof(nesterov));
        _parameters = parameters.ToArray();
        _momentum = new Tensor?[_parameters.Length];
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        InitialLearningRate = learningRate;
        _momentumScalar = momentum.ToScalar();
        _weightDecayScalar = weightDecay.ToScalar();
        _one = 1.0.ToScalar();
        _learningRate = learningRate;
        _minusLearningRate = (-learningRate).ToScalar();
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }
    /// <summary>L2 penalty added to every gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }
    /// <summary>The rate the optimiser was created with.</summary>
    public double InitialLearningRate { get; private set; }

    /// <summary>The rate of the next steps; setting a new one replaces the rate's Scalar (between steps only).</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (value == _learningRate) return;
            if (!(value >= 0)) throw new ArgumentException($"SGD: the learning rate must be >= 0, got {value}.", nameof(value));
            var old = _minusLearningRate;
            _minusLearningRate = (-value).ToScalar();
            _learningRate = value;
            old.Dispose();
        }
    }

    /// <summary>The parameters, in state-file order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Sets every parameter's gradient to zero (gradients that do not exist yet stay absent).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient: g += wd * p; buf = momentum * buf + g; p -= lr * (Nesterov ? g + momentum * buf : buf).</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var param = _parameters[i];
            var grad = param.grad;
            if (grad is null) continue;
            if (WeightDecay != 0) grad = grad.add(param, _weightDecayScalar);
            if (Momentum != 0)
            {
                var buf = _momentum[i];
                if (buf is null) _momentum[i] = buf = grad.clone().detach().DetachFromDisposeScope();
                else buf.mul_(_momentumScalar).add_(grad, _one);
                grad = Nesterov ? grad.add(buf, _momentumScalar) : buf;
            }
            param.add_(grad, _minusLearningRate);
        }
        GC.KeepAlive(this);
    }

    /// <summary>Writes the state as TorchSharp's SGD.save_state_dict does: name, one group's options, each parameter's momentum buffer.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(StateName);
        writer.Write7BitEncodedInt64(1); // parameter groups (LEB128, as TorchSharp writes it)
        writer.Write7BitEncodedInt64(_parameters.Length);
        writer.Write(InitialLearningRate);
        writer.Write(_learningRate);
        writer.Write(Momentum);
        writer.Write(0.0); // dampening
        writer.Write(WeightDecay);
        writer.Write(Nesterov);
        writer.Write(false); // maximize
        foreach (var buf in _momentum)
        {
            writer.Write(buf is not null);
            buf?.Save(writer);
        }
    }

    /// <summary>
    /// Reads a state written by <see cref="Save"/> or by TorchSharp's SGD for the same parameters; a state of another
    /// optimiser or another parameter list is refused with the reason.
    /// </summary>
    public void Load(BinaryReader reader)
    {
        var name = reader.ReadString();
        if (name != StateName)
            throw new InvalidDataException($"The optimiser state is {name}'s; this run trains with SGD.");
        long groups = reader.Read7BitEncodedInt64(), states = reader.Read7BitEncodedInt64();
        if (groups != 1 || states != _parameters.Length)
            throw new InvalidDataException(
                $"The optimiser state has {groups} parameter group(s) and {states} parameter states; this model has one group of {_parameters.Length} parameters.");
        InitialLearningRate = reader.ReadDouble();
        LearningRate = reader.ReadDouble();
        // Momentum, weight decay and Nesterov come from the run's options (its config.json), which wrote this state.
        reader.ReadDouble();
        double dampening = reader.ReadDouble();
        reader.ReadDouble();
        reader.ReadBoolean();
        bool maximize = reader.ReadBoolean();
        if (dampening != 0 || maximize)
            throw new InvalidDataException($"The optimiser state uses dampening {dampening} / maximize {maximize}, which the kit's SGD does not.");
        for (int i = 0; i < _parameters.Length; i++)
        {
            _momentum[i]?.Dispose();
            _momentum[i] = null;
            if (!reader.ReadBoolean()) continue;
            var loaded = TensorExtensionMethods.Load(reader);
            if (!loaded.shape.SequenceEqual(_parameters[i].shape))
            {
                var shape = string.Join("x", loaded.shape);
                loaded.Dispose();
                throw new InvalidDataException(
                    $"The optimiser state's momentum buffer {i} is {shape}; parameter {i} is {string.Join("x", _parameters[i].shape)}.");
            }
            _momentum[i] = loaded.to(_parameters[i].device, disposeAfter: true).DetachFromDisposeScope();
        }
    }

    /// <summary>The momentum buffer of parameter <paramref name="index"/> (null before the first step or without momentum).</summary>
    public Tensor? MomentumBuffer(int index) => _momentum[index];

    /// <summary>Frees the momentum buffers and the Scalars.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var buf in _momentum) buf?.Dispose();
        _momentumScalar.Dispose();
        _weightDecayScalar.Dispose();
        _one.Dispose();
        _minusLearningRate.Dispose();
    }
}
