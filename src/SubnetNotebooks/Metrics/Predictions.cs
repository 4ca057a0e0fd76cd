using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Metrics;

/// <summary>
/// What an ensemble said about a labelled set: each member's softmax probabilities
/// [members, samples, classes] and the true labels [samples]. The ensemble's prediction is the
/// mean of its members' probabilities. Validated on construction: every row is finite,
/// non-negative and sums to 1 within <see cref="SumTolerance"/>. The members' logits (the pre-softmax outputs whose
/// softmax the probabilities are) may come along, in the same layout, for scores that need them (max logit, energy).
/// </summary>
public sealed class Predictions
{
    /// <summary>How far a probability row may sum from 1 (float32 softmax over many classes drifts).</summary>
    public const double SumTolerance = 1e-3;

    readonly float[] _probs;
    readonly int[] _labels;
    readonly float[]? _logits;

    /// <param name="probs">[members, samples, classes] softmax outputs, C order</param>
    /// <param name="members">M, at least 1</param>
    /// <param name="samples">N, at least 1</param>
    /// <param name="classes">C, at least 2</param>
    /// <param name="labels">[samples] true classes, each in [0, classes)</param>
    /// <param name="logits">[members, samples, classes] the members' logits whose softmax <paramref name="probs"/> is, C order (null: not kept)</param>
    public Predictions(float[] probs, int members, int samples, int classes, int[] labels, float[]? logits = null)
    {
        ArgumentNullException.ThrowIfNull(probs);
        ArgumentNullException.ThrowIfNull(labels);
        if (members < 1 || samples < 1 || classes < 2)
            throw new ArgumentException($"Predictions need at least 1 member, 1 sample and 2 classes; got members={members}, samples={samples}, classes={classes}.");
        if ((long)members * samples * classes != probs.Length)
            throw new ArgumentException($"Predictions: probs has {probs.Length} values; expected members*samples*classes = {members}*{samples}*{classes} = {(long)members * samples * classes}. Pass probabilities shaped [members, samples, classes].");
        if (labels.Length != samples)
            throw new ArgumentException($"Predictions: {labels.Length} labels for {samples} samples; expected one label per sample.");
        for (int n = 0; n < samples; n++)
            if (labels[n] < 0 || labels[n] >= classes)
                throw new ArgumentException($"Predictions: label of sample {n} is {labels[n]}; expected a class in [0, {classes}).");
        for (int m = 0; m < members; m++)
            for (int n = 0; n < samples; n++)
                CheckRow(probs.AsSpan(((m * samples) + n) * classes, classes), m, n);
        if (logits is not null)
        {
            if (logits.Length != probs.Length)
                throw new ArgumentException($"Predictions: logits has {logits.Length} values and probs {probs.Length}; pass the logits of the same members, samples and classes, shaped [members, samples, classes].");
            int bad = Array.FindIndex(logits, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new ArgumentException($"Predictions: logit {bad} (member {bad / (samples * classes)}, sample {bad / classes % samples}) is {logits[bad].ToString(CultureInfo.InvariantCulture)}; expected a finite number. The model produced NaN/Inf.");
        }
        _logits = logits;
        _probs = probs;
        _labels = labels;
        Members = members;
        Samples = samples;
        Classes = classes;
    }

    static void CheckRow(ReadOnlySpan<float> row, int m, int n)
    {
        double sum = 0;
        for (int c = 0; c < row.Length; c++)
        {
            float p = row[c];
            if (!float.IsFinite(p))
                throw new ArgumentException($"Predictions: member {m}, sample {n}, class {c} is {p.ToString(CultureInfo.InvariantCulture)}; expected a finite probability. The model produced NaN/Inf (check its logits, learning rate or input normalisation).");
            if (p < 0)
                throw new ArgumentException($"Predictions: member {m}, sample {n}, class {c} is {p.ToString(CultureInfo.InvariantCulture)}; probabilities must be non-negative. Pass softmax outputs, not logits.");
            sum += p;
        }
        if (Math.Abs(sum - 1) > SumTolerance)
            throw new ArgumentException($"Predictions: member {m}, sample {n} sums to {sum.ToString("G6", CultureInfo.InvariantCulture)}; expected 1 ± {SumTolerance}. Pass softmax outputs (softmax over the class dimension), not logits.");
    }

    /// <summary>Number of ensemble members M.</summary>
    public int Members { get; }
    /// <summary>Number of samples N.</summary>
    public int Samples { get; }
    /// <summary>Number of classes C.</summary>
    public int Classes { get; }
    /// <summary>[samples] true classes.</summary>
    public ReadOnlySpan<int> Labels => _labels;
    /// <summary>[members * samples * classes] all probabilities in C order.</summary>
    public ReadOnlySpan<float> Values => _probs;

    /// <summary>Whether the members' logits came with the probabilities.</summary>
    public bool HasLogits => _logits is not null;

    /// <summary>[members * samples * classes] the members' logits in C order.</summary>
    public ReadOnlySpan<float> Logits => _logits ?? throw new InvalidOperationException(
        "These predictions carry no logits (only probabilities). Predict with ExperimentRunner.Predict, or load predictions/<method>.logits.npy.");

    /// <summary>[samples * classes] the members' logits averaged over members, in double.</summary>
    public double[] EnsembleLogits()
    {
        var logits = Logits;
        int size = Samples * Classes;
        var mean = new double[size];
        for (int m = 0; m < Members; m++)
            for (int i = 0; i < size; i++) mean[i] += logits[m * size + i];
        for (int i = 0; i < size; i++) mean[i] /= Members;
        return mean;
    }

    /// <summary>Probability that member <paramref name="m"/> gives class <paramref name="c"/> for sample <paramref name="n"/>.</summary>
    public float this[int m, int n, int c] => _probs[((m * Samples) + n) * Classes + c];

    /// <summary>[classes] member <paramref name="m"/>'s probabilities for sample <paramref name="n"/>.</summary>
    public ReadOnlySpan<float> Row(int m, int n) => _probs.AsSpan(((m * Samples) + n) * Classes, Classes);

    /// <summary>[samples * classes] the ensemble prediction: mean of the members' probabilities, in double.</summary>
    public double[] EnsembleProbabilities()
    {
        int size = Samples * Classes;
        var mean = new double[size];
        for (int m = 0; m < Members; m++)
        {
            var member = _probs.AsSpan(m * size, size);
            for (int i = 0; i < size; i++) mean[i] += member[i];
        }
        for (int i = 0; i < size; i++) mean[i] /= Members;
        return mean;
    }

    /// <summary>[samples * classes] member <paramref name="m"/>'s probabilities, in double.</summary>
    public double[] MemberProbabilities(int m)
    {
        CheckMember(m);
        int size = Samples * Classes;
        var result = new double[size];
        var member = _probs.AsSpan(m * size, size);
        for (int i = 0; i < size; i++) result[i] = member[i];
        return result;
    }

    /// <summary>Member <paramref name="m"/> alone, as a one-member ensemble.</summary>
    public Predictions Member(int m)
    {
        CheckMember(m);
        int size = Samples * Classes;
        return new Predictions(_probs.AsSpan(m * size, size).ToArray(), 1, Samples, Classes, _labels, _logits?.AsSpan(m * size, size).ToArray());
    }

    /// <summary>The ensemble of the first <paramref name="firstMembers"/> members (for accuracy-versus-M curves).</summary>
    public Predictions Take(int firstMembers)
    {
        if (firstMembers < 1 || firstMembers > Members)
            throw new ArgumentOutOfRangeException(nameof(firstMembers), $"Take({firstMembers}) on {Members} members; expected 1..{Members}.");
        int size = firstMembers * Samples * Classes;
        return new Predictions(_probs.AsSpan(0, size).ToArray(), firstMembers, Samples, Classes, _labels, _logits?.AsSpan(0, size).ToArray());
    }

    void CheckMember(int m)
    {
        if (m < 0 || m >= Members)
            throw new ArgumentOutOfRangeException(nameof(m), $"Member {m} requested; this ensemble has members 0..{Members - 1}.");
    }

    /// <summary>Builds predictions from tensors (any device or float dtype).</summary>
    /// <param name="probs">[members, samples, classes] softmax outputs, or [samples, classes] for a single model</param>
    /// <param name="labels">[samples] integer labels</param>
    /// <param name="logits">the logits whose softmax <paramref name="probs"/> is, same shape (null: not kept)</param>
    public static Predictions FromTensor(Tensor probs, Tensor labels, Tensor? logits = null)
    {
        using var scope = torch.NewDisposeScope();
        if (probs.dim() == 2) probs = probs.unsqueeze(0);
        if (probs.dim() != 3)
            throw new ArgumentException($"Predictions.FromTensor: probs has shape [{string.Join(", ", probs.shape)}]; expected [members, samples, classes] or [samples, classes].");
        if (labels.dim() != 1)
            throw new ArgumentException($"Predictions.FromTensor: labels has shape [{string.Join(", ", labels.shape)}]; expected [samples].");
        float[] values = probs.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int[] ints = labels.detach().to(CPU).to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
        float[]? logitValues = null;
        if (logits is not null)
        {
            if (logits.dim() == 2) logits = logits.unsqueeze(0);
            if (!logits.shape.SequenceEqual(probs.shape))
                throw new ArgumentException($"Predictions.FromTensor: logits have shape [{string.Join(", ", logits.shape)}] and probs [{string.Join(", ", probs.shape)}]; pass both shaped [members, samples, classes].");
            logitValues = logits.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        return new Predictions(values, (int)probs.shape[0], (int)probs.shape[1], (int)probs.shape[2], ints, logitValues);
    }

    /// <summary>float32 [members, samples, classes] on the CPU.</summary>
    public Tensor ToTensor() => tensor(_probs, [Members, Samples, Classes]);

    /// <summary>
    /// Saves the probabilities as float32 [members, samples, classes] .npy and, when
    /// <paramref name="labelsPath"/> is given, the labels as int64 [samples] .npy; when <paramref name="logitsPath"/>
    /// is given and the logits were kept, the logits as float32 [members, samples, classes] .npy.
    /// </summary>
    public void SaveNpy(string probsPath, string? labelsPath = null, string? logitsPath = null)
    {
        NpyFormat.WriteFloat32(probsPath, _probs, Members, Samples, Classes);
        if (logitsPath is not null && _logits is not null)
            NpyFormat.WriteFloat32(logitsPath, _logits, Members, Samples, Classes);
        if (labelsPath is not null)
            NpyFormat.WriteInt64(labelsPath, _labels.Select(l => (long)l).ToArray(), Samples);
    }

    /// <summary>Loads what <see cref="SaveNpy"/> (or numpy.save) wrote: probs [M, N, C] or [N, C], labels [N], and logits of the probs' shape when <paramref name="logitsPath"/> is given.</summary>
    public static Predictions LoadNpy(string probsPath, string labelsPath, string? logitsPath = null)
    {
        var (probs, shape) = NpyFormat.ReadFloat32(probsPath);
        if (shape.Length == 2) shape = [1, shape[0], shape[1]];
        if (shape.Length != 3)
            throw new InvalidDataException($"{probsPath}: shape [{string.Join(", ", shape)}]; expected [members, samples, classes].");
        var (labels, labelShape) = NpyFormat.ReadInt64(labelsPath);
        if (labelShape.Length != 1)
            throw new InvalidDataException($"{labelsPath}: shape [{string.Join(", ", labelShape)}]; expected [samples].");
        float[]? logits = null;
        if (logitsPath is not null)
        {
            (logits, var logitShape) = NpyFormat.ReadFloat32(logitsPath);
            if (logitShape.Aggregate(1L, (a, b) => a * b) != probs.Length)
                throw new InvalidDataException($"{logitsPath}: shape [{string.Join(", ", logitShape)}]; expected the shape of {probsPath}, [{string.Join(", ", shape)}].");
        }
        return new Predictions(probs, (int)shape[0], (int)shape[1], (int)shape[2], labels.Select(l => checked((int)l)).ToArray(), logits);
    }
}
