using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Weights;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// `subnet export-weights RUN_DIR`: reloads every trained method of a run folder from its checkpoints (the same
/// resume path as `reproduce`, so nothing is trained again) and writes its networks as PyTorch state dicts with a
/// manifest (see <see cref="EnsembleWeights"/>). The run's dataset must be findable, as for `reproduce`.
/// </summary>
public static class WeightsExport
{
    /// <summary>The default export folder: RUN_DIR/weights.</summary>
    public static string DefaultFolder(string runFolder) => Path.Combine(runFolder, "weights");

    /// <summary>Exports every trained, exportable method of <paramref name="runFolder"/> into <paramref name="outFolder"/>.</summary>
    /// <param name="runFolder">a run folder with config.json, predictions/ and checkpoints/</param>
    /// <param name="outFolder">export folder (default RUN_DIR/weights)</param>
    /// <param name="observer">stage messages</param>
    public static WeightManifest Run(string runFolder, string? outFolder = null, IExperimentObserver? observer = null)
    {
        var folder = new DirectoryInfo(runFolder);
        var configPath = Path.Combine(runFolder, "config.json");
        if (!File.Exists(configPath))
            throw new FileNotFoundException(
                $"export-weights {runFolder}: no config.json there; expected a run folder written by subnet reproduce (runs/NAME).", configPath);
        var config = ExperimentConfig.Load(configPath);
        using var session = ExperimentSession.Open(config, folder.FullName, observer);
        var trained = new List<IEnsemble>();
        var skipped = new List<SkippedMethod>();
        try
        {
            foreach (var method in config.Methods.Select(m => m.Trim().ToLowerInvariant()))
            {
                if (!EnsembleWeights.Exportable.Contains(method))
                {
                    skipped.Add(new SkippedMethod(method, "its members share one network (masks, fast weights or several heads); not standalone networks"));
                    continue;
                }
                if (!File.Exists(session.Folder.PredictionsPath(method)))
                {
                    skipped.Add(new SkippedMethod(method, "not trained and evaluated in this run folder (no predictions file); run subnet reproduce first"));
                    continue;
                }
                observer?.OnStage(method, "reloading from checkpoints");
                var ensemble = session.Create(method);
                trained.Add(ensemble);
                ensemble.Fit(session.Context(observer));
            }
            return EnsembleWeights.Export(trained, session.Data.Info, session.Data.Normalization, outFolder ?? DefaultFolder(runFolder), skipped);
        }
        finally
        {
            foreach (var e in trained) e.Dispose();
        }
    }
}
