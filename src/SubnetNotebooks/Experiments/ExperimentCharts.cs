using Plotly.NET;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Metrics;
using SubnetNotebooks.Models;
using SubnetNotebooks.Plots;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments;

/// <summary>The charts of an experiment, built from its outcomes; shared by report.html and the notebooks.</summary>
public static partial class ExperimentCharts
{
    /// <summary>Accuracy, NLL, ECE and Brier score of every method (before temperature scaling), one panel and y axis per metric.</summary>
    public static GenericChart Quality(IReadOnlyList<MethodOutcome> methods)
    {
        string[] metrics = ["accuracy", "nll", "ece", "brier"];
        var values = new double[methods.Count, metrics.Length];
        for (int i = 0; i < methods.Count; i++)
        {
            var q = methods[i].Report.Test;
            values[i, 0] = q.Accuracy; values[i, 1] = q.Nll; values[i, 2] = q.Ece; values[i, 3] = q.Brier;
        }
        return MethodBars.Panels("Quality per method", methods.Select(m => m.Method).ToArray(), metrics, values);
    }

    /// <summary>The reliability diagram of one method's ensemble prediction.</summary>
    public static GenericChart Reliability(MethodOutcome method) => Reliability(method.Report.Test, $"Reliability: {method.Method}");

    /// <summary>A reliability diagram of any quality report.</summary>
    public static GenericChart Reliability(QualityReport quality, string title) =>
        ReliabilityDiagram.Create(quality.Reliability.Select(b => b.MeanConfidence).ToArray(), quality.Reliability.Select(b => b.Accuracy).ToArray(),
            quality.Reliability.Select(b => (long)b.Count).ToArray(), title);

    /// <summary>
    /// The reliability diagrams of every method as one grid of small multiples on shared axes, the ECE in each panel's title;
    /// after temperature scaling (methods without it left out) when <paramref name="afterTemperatureScaling"/>.
    /// </summary>
    /// <param name="methods">evaluated methods</param>
    /// <param name="afterTemperatureScaling">true: the calibration after temperature scaling fitted on the validation split</param>
    public static GenericChart ReliabilityGrid(IReadOnlyList<MethodOutcome> methods, bool afterTemperatureScaling = false)
    {
        var panels = methods.Select(m => (m.Method, Quality: afterTemperatureScaling ? m.Report.Temperature?.Test : m.Report.Test))
            .Where(p => p.Quality is not null).Select(p => new ReliabilityPanel(p.Method, p.Quality!.Reliability.Select(b => b.MeanConfidence).ToArray(),
                p.Quality.Reliability.Select(b => b.Accuracy).ToArray(), p.Quality.Reliability.Select(b => (long)b.Count).ToArray(), p.Quality.Ece)).ToArray();
        if (panels.Length == 0) throw new ArgumentException("No method has a temperature-scaled report: give the config a validation split (validationSamples > 0).");
        return ReliabilityDiagram.Grid(afterTemperatureScaling ? "Reliability after temperature scaling" : "Reliability: accuracy against confidence", panels);
    }

    /// <summary>The pairwise disagreement matrices of every method with more than one member, in one row on one colour scale, diagonals blank.</summary>
    /// <param name="methods">evaluated methods (those with one member are left out)</param>
    public static GenericChart DisagreementRow(IReadOnlyList<MethodOutcome> methods)
    {
        var panels = methods.Where(m => m.Members > 1)
            .Select(m => new PairwiseMatrix(m.Method, MemberLabels(m.Members), ToMatrix(m.Report.Diversity.Disagreement))).ToArray();
        if (panels.Length == 0) throw new ArgumentException("No method has more than one member, so no pair of members can disagree.");
        return Heatmaps.PairwiseRow("Pairwise disagreement of the members (share of test images predicted differently)", panels);
    }

    /// <summary>The ROC curve of OOD detection by predictive entropy, every method with an OOD report in one chart (AUROC in the legend).</summary>
    /// <param name="methods">evaluated methods</param>
    public static GenericChart OodRoc(IReadOnlyList<MethodOutcome> methods)
    {
        var curves = methods.Where(m => m.Report.OutOfDistribution?.EntropyRoc is not null).Select(m =>
        {
            var ood = m.Report.OutOfDistribution!;
            var auroc = ood.Scores.FirstOrDefault(s => s.Score == "entropy")?.Auroc ?? double.NaN;
            return new LineSeries($"{m.Method} (AUROC {ChartLayout.Format(auroc)})", ood.EntropyRoc!.FalsePositiveRate, ood.EntropyRoc.TruePositiveRate);
        }).ToArray();
        if (curves.Length == 0) throw new ArgumentException("No method has an OOD ROC curve: set oodDataset (e.g. mnist) in the config.");
        return RocCurves.Create("OOD detection by predictive entropy: ROC curves", curves);
    }

    /// <summary>
    /// Training loss and validation NLL per epoch of every training run of every method (parents and members), one panel
    /// each; a run has its method's colour.
    /// </summary>
    /// <param name="methods">evaluated methods, with their training runs</param>
    public static GenericChart TrainingHistory(IReadOnlyList<MethodOutcome> methods)
    {
        var runs = methods.SelectMany(m => m.TrainingRuns.Where(r => r.History.Count > 0).Select(r => (m.Method, Run: r))).ToArray();
        if (runs.Length == 0) throw new ArgumentException("No training run has an epoch recorded: every method was loaded without its history.");
        LineSeries Series((string Method, TrainingResult Run) r, Func<EpochProgress, double?> value)
        {
            var points = r.Run.History.Where(h => value(h) is { } v && double.IsFinite(v)).ToArray();
            string name = r.Run.History[0].Run.StartsWith(r.Method, StringComparison.Ordinal) ? r.Run.History[0].Run : $"{r.Method}/{r.Run.History[0].Run}";
            return new LineSeries(name, points.Select(h => (double)h.Epoch).ToArray(), points.Select(h => value(h)!.Value).ToArray());
        }
        var panels = new[]
        {
            new MetricPanel("training loss", runs.Select(r => Series(r, h => h.TrainLoss)).ToArray()),
            new MetricPanel("validation NLL", runs.Select(r => Series(r, h => h.ValidationLoss)).Where(s => s.X.Count > 0).ToArray()),
        }.Where(p => p.Series.Count > 0).ToArray();
        return MetricLines.Panels("Training curves of every run (parents and members)", "epoch", panels);
    }

    /// <summary>Training loss per epoch of every training run of one method (parent and members).</summary>
    public static GenericChart TrainingLoss(string method, IReadOnlyList<TrainingResult> runs) =>
        TrainingCurves.Create("training loss", runs.Where(r => r.History.Count > 0)
            .Select(r => new MemberCurve(r.History[0].Run, r.History.Select(h => h.TrainLoss).ToArray())).ToArray(), $"Training loss: {method}");

    /// <summary>The pairwise disagreement matrix of one method's members.</summary>
    public static GenericChart Disagreement(MethodOutcome method) =>
        Heatmaps.Pairwise($"Pairwise disagreement: {method.Method}", Enumerable.Range(1, method.Members).Select(i => $"member {i}").ToArray(),
            ToMatrix(method.Report.Diversity.Disagreement));

    /// <summary>
    /// Ensemble NLL against stored parameters, one point per method, titled with the paper's comparison: the subnetwork
    /// ensemble near the deep ensemble's NLL at about one M-th of its parameters, and below MC dropout's.
    /// </summary>
    /// <param name="methods">evaluated methods</param>
    public static GenericChart QualityVersusCost(IReadOnlyList<MethodOutcome> methods) =>
        TradeoffScatter.Create("Cost against quality. The paper: subnet reaches deep's NLL at ~1/M of its parameters, and beats mcdropout",
            "parameters (all members)", "test NLL (lower is better)",
            methods.Select(m => new LabelledPoint(m.Method, m.Parameters, m.Report.Test.Nll)).ToArray());

    /// <summary>Mean member accuracy against mean pairwise disagreement, one point per method: the paper's two diagnoses.</summary>
    public static GenericChart MemberQualityVersusDiversity(IReadOnlyList<MethodOutcome> methods) =>
        TradeoffScatter.Create("Member accuracy against diversity", "mean pairwise disagreement", "mean member accuracy",
            methods.Select(m => new LabelledPoint(m.Method, m.Report.Diversity.MeanDisagreement, m.Report.Member.MeanAccuracy)).ToArray());

    /// <summary>A metric of the ensemble of the first k members against k = 1..M, one line per method.</summary>
    /// <param name="methods">(method, test predictions [M, N, C]) pairs</param>
    /// <param name="metric">accuracy, nll, brier, ece, mce, ace or classwise_ece</param>
    public static GenericChart QualityBySize(IEnumerable<(string Method, Predictions Test)> methods, string metric = "nll") =>
        MetricLines.Create($"{metric} of the first k members", "ensemble size k", metric, methods.Select(m =>
        {
            var curve = EnsembleSize.QualityBySize(m.Test);
            return new LineSeries(m.Method, Enumerable.Range(1, curve.Count).Select(k => (double)k).ToArray(),
                curve.Select(q => EnsembleSize.Metric(q, metric)).ToArray());
        }).ToArray());

    /// <summary>As <see cref="QualityBySize(IEnumerable{ValueTuple{string, Predictions}}, string)"/> for trained methods of a session.</summary>
    public static GenericChart QualityBySize(IEnumerable<TrainedMethod> methods, string metric = "nll") =>
        QualityBySize(methods.Select(m => (m.Outcome.Method, m.Test)), metric);

    /// <summary>Mean, best and worst member accuracy next to the ensemble's accuracy, per method: is each member good on its own?</summary>
    public static GenericChart MemberAccuracy(IReadOnlyList<MethodOutcome> methods)
    {
        string[] columns = ["mean member", "best member", "worst member", "ensemble"];
        var values = new double[methods.Count, columns.Length];
        for (int i = 0; i < methods.Count; i++)
        {
            var r = methods[i].Report;
            values[i, 0] = r.Member.MeanAccuracy; values[i, 1] = r.Member.Accuracy.Max(); values[i, 2] = r.Member.Accuracy.Min();
            values[i, 3] = r.Test.Accuracy;
        }
        return MethodBars.Create("Member accuracy against the ensemble", methods.Select(m => m.Method).ToArray(), columns, values, "test accuracy");
    }

    /// <summary>The pairwise KL divergence KL(member i ‖ member j) of one method's members.</summary>
    public static GenericChart KlDivergence(MethodOutcome method) =>
        Heatmaps.Pairwise($"Pairwise KL divergence (nats): {method.Method}", MemberLabels(method.Members), ToMatrix(method.Report.Diversity.Kl));

    /// <summary>Mean member accuracy against mean pairwise disagreement, one point per variant (e.g. a sweep of the masks' overlap).</summary>
    public static GenericChart MemberQualityVersusDiversity(string title, IReadOnlyList<AblationResult> variants) =>
        TradeoffScatter.Create(title, "mean pairwise disagreement", "mean member accuracy",
            variants.Select(v => new LabelledPoint(v.Name, v.Outcome.Report.Diversity.MeanDisagreement, v.Outcome.Report.Member.MeanAccuracy, v.Outcome.Method)).ToArray());

    /// <summary>The pruning scores of every unit group, sorted from most to least important (one line per group).</summary>
    /// <param name="scores">group name to [units] scores, e.g. from UnitScores.Score</param>
    public static GenericChart UnitScores(IReadOnlyDictionary<string, float[]> scores) =>
        MetricLines.Create("Unit scores, most important first", "rank", "score", scores.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            new LineSeries(g.Key, Enumerable.Range(1, g.Value.Length).Select(r => (double)r).ToArray(),
                g.Value.Select(v => (double)v).OrderDescending().ToArray())).ToArray());

    /// <summary>One heatmap per unit group of the partition: which member owns each unit (unit granularity; none for weight masks).</summary>
    public static IReadOnlyList<GenericChart> Masks(SubnetworkPartition partition) =>
        partition.UnitOwners.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var mask = new float[g.Value.Length, partition.Members];
            for (int u = 0; u < g.Value.Length; u++) mask[u, g.Value[u]] = 1;
            return Heatmaps.Mask(g.Key, mask);
        }).ToArray();

    /// <summary>The intersection over union of the members' kept units: 0 off the diagonal for disjoint subnetworks.</summary>
    public static GenericChart Overlap(SubnetworkPartition partition) =>
        Heatmaps.Pairwise("Mask overlap (IoU of kept units)", MemberLabels(partition.Members), partition.PairwiseIoU());

    /// <summary>Parameters of each subnetwork of <paramref name="model"/> next to the whole model's.</summary>
    public static GenericChart SubnetworkParameters(SubnetworkPartition partition, PrunableModel model)
    {
        var counts = partition.ParameterCounts(model);
        var labels = MemberLabels(partition.Members).Append("parent").ToArray();
        var values = new double[labels.Length, 1];
        for (int k = 0; k < counts.Length; k++) values[k, 0] = counts[k];
        values[counts.Length, 0] = model.ActiveParameters();
        return MethodBars.Create("Parameters per subnetwork", labels, ["parameters"], values, "parameters");
    }

    /// <summary>A quality metric against one cost, one point per method.</summary>
    /// <param name="methods">evaluated methods</param>
    /// <param name="cost">parameters, flops_per_example, train_seconds or inference_seconds (the cost.* keys of <see cref="MethodOutcome.Flatten"/>)</param>
    /// <param name="metric">an ensemble metric key, e.g. nll or accuracy</param>
    public static GenericChart QualityVersus(IReadOnlyList<MethodOutcome> methods, string cost, string metric = "nll")
    {
        var points = methods.Select(m =>
        {
            var flat = m.Flatten();
            if (!flat.TryGetValue($"cost.{cost}", out var x))
                throw new ArgumentException($"Unknown cost '{cost}'; expected parameters, flops_per_example, train_seconds or inference_seconds.");
            if (!flat.TryGetValue(metric, out var y))
                throw new ArgumentException($"Unknown metric '{metric}'; expected a key of EvaluationReport.Flatten such as accuracy or nll.");
            return new LabelledPoint(m.Method, x, y, m.Method);
        }).ToArray();
        return TradeoffScatter.Create($"{metric} against {cost.Replace('_', ' ')}", cost.Replace('_', ' '), $"test {metric}", points);
    }

    /// <summary>OOD detection AUROC of every uncertainty score, per method (methods without an OOD report are skipped).</summary>
    public static GenericChart OodAuroc(IReadOnlyList<MethodOutcome> methods)
    {
        var withOod = methods.Where(m => m.Report.OutOfDistribution is not null).ToArray();
        if (withOod.Length == 0) throw new ArgumentException("No method has an OOD report: set oodDataset (e.g. mnist) in the config.");
        var scores = withOod[0].Report.OutOfDistribution!.Scores.Select(s => s.Score).ToArray();
        var values = new double[withOod.Length, scores.Length];
        for (int i = 0; i < withOod.Length; i++)
            for (int k = 0; k < scores.Length; k++) values[i, k] = withOod[i].Report.OutOfDistribution!.Scores[k].Auroc;
        return MethodBars.Create("OOD detection AUROC per score", withOod.Select(m => m.Method).ToArray(), scores, values, "AUROC");
    }

    /// <summary>A metric averaged over corruptions against severity (0: clean), one line per method; the title names the corruptions' source.</summary>
    /// <param name="reports">(method, shift report) pairs</param>
    /// <param name="metric">accuracy, nll, brier, ece, mce, ace or classwise_ece</param>
    public static GenericChart Shift(IEnumerable<(string Method, ShiftReport Report)> reports, string metric = "accuracy") =>
        MetricLines.Create($"{metric} under corruption: {string.Join("; ", reports.Select(r => r.Report.Source).Distinct())}", "severity (0: clean)", metric, reports.Select(r =>
        {
            var severities = r.Report.Entries.Select(e => e.Severity).Distinct().Order().ToArray();
            return new LineSeries(r.Method, severities.Prepend(0).Select(s => (double)s).ToArray(),
                severities.Select(s => r.Report.Mean(q => EnsembleSize.Metric(q, metric), s)).Prepend(EnsembleSize.Metric(r.Report.Clean, metric)).ToArray());
        }).ToArray());

    /// <summary>Accuracy and NLL of every variant of an ablation, one panel and y axis each.</summary>
    public static GenericChart Ablation(string title, IReadOnlyList<AblationResult> variants)
    {
        var values = new double[variants.Count, 2];
        for (int i = 0; i < variants.Count; i++)
        {
            values[i, 0] = variants[i].Outcome.Report.Test.Accuracy;
            values[i, 1] = variants[i].Outcome.Report.Test.Nll;
        }
        return MethodBars.Panels(title, variants.Select(v => v.Name).ToArray(), ["accuracy", "nll"], values);
    }

    static string[] MemberLabels(int members) => Enumerable.Range(1, members).Select(i => $"member {i}").ToArray();

    /// <summary>Legend entry of the overlap ensemble's points in <see cref="OverlapSweep"/>.</summary>
    public const string OverlapSeries = "overlap ensemble: one network from scratch, members' masks at overlap t";

    /// <summary>Legend entry of the subnetwork ensemble's point in <see cref="OverlapSweep"/>.</summary>
    public const string SubnetworkSeries = "subnetwork ensemble (method subnet): pruned parent, M disjoint members trained alone";

    /// <summary>
    /// The overlap axis as three panels, each on its own y axis: ensemble NLL, mean member accuracy and mean pairwise
    /// disagreement against the members' measured mask IoU (0: disjoint; towards 1/(2M-1): independent dropout-like
    /// masks). The subnetwork ensemble of notebooks 02-03, when given, is its own marked point at IoU 0.
    /// </summary>
    /// <param name="points">the sweep's points</param>
    /// <param name="subnetwork">the outcome of method subnet on the same data, or null to draw the sweep alone</param>
    public static GenericChart OverlapSweep(IReadOnlyList<OverlapPoint> points, MethodOutcome? subnetwork = null)
    {
        ChartLayout.RequireNonEmpty(nameof(OverlapSweep), "points", points.Count);
        var ordered = points.OrderBy(p => p.MeanIoU).ToArray();
        double[] iou = ordered.Select(p => p.MeanIoU).ToArray();
        (string Title, Func<EvaluationReport, double> Value)[] metrics =
        [
            ("ensemble NLL", r => r.Test.Nll),
            ("mean member accuracy", r => r.Member.MeanAccuracy),
            ("mean pairwise disagreement", r => r.Diversity.MeanDisagreement),
        ];
        return MetricLines.Panels("Quality and diversity against mask overlap", "mean pairwise IoU of the members' masks", metrics.Select(m =>
        {
            var series = new List<LineSeries> { new(OverlapSeries, iou, ordered.Select(p => m.Value(p.Outcome.Report)).ToArray()) };
            if (subnetwork is not null) series.Add(new LineSeries(SubnetworkSeries, [0.0], [m.Value(subnetwork.Report)]));
            return new MetricPanel(m.Title, series);
        }).ToArray());
    }

    /// <summary>Converts a jagged matrix to a rectangular one.</summary>
    public static double[,] ToMatrix(double[][] rows)
    {
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
