namespace SubnetNotebooks.Headless;

/// <summary>A cell that failed: its 1-based position among all cells of the notebook, and the error.</summary>
public sealed record CellFailure(int Cell, string Error);

/// <summary>The outcome of running one notebook.</summary>
/// <param name="Notebook">The notebook that was run.</param>
/// <param name="ExecutedPath">Where the executed copy (with outputs) was written.</param>
/// <param name="CellsRun">Code cells executed, including a failing one.</param>
/// <param name="Failure">The failing cell, or null when every cell succeeded.</param>
public sealed record NotebookRunResult(string Notebook, string ExecutedPath, int CellsRun, CellFailure? Failure)
{
    /// <summary>True when every code cell succeeded.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>One line for a console: "notebooks/x.ipynb: cell 4 failed: ..." or "... ok (7 code cells)".</summary>
    public override string ToString() => Failure is null
        ? $"{Notebook}: ok ({CellsRun} code cells), executed copy {ExecutedPath}"
        : $"{Notebook}: cell {Failure.Cell} failed: {Failure.Error} (executed copy with the error: {ExecutedPath})";
}
