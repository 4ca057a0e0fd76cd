using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting.TabularData;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// Rows as a notebook table whose numbers carry the digits that mean something (<see cref="MetricFormat"/>: accuracy as a
/// percentage with two decimals, NLL, ECE and Brier with four, counts with separators), as the report shows them; the run's
/// files keep the full values. Notebooks, their app pages and Jupyter's HTML render it alike.
/// </summary>
public static class NotebookTables
{
    /// <summary>One table row per item of <paramref name="rows"/>, one column per public property, each number formatted by its column's name.</summary>
    /// <param name="rows">records such as <c>ExperimentTables.Quality(...)</c>, or anonymous objects</param>
    /// <typeparam name="T">the row type</typeparam>
    public static TabularDataResource ToTable<T>(this IEnumerable<T> rows)
    {
        var columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        return rows.Select(row => (IDictionary<string, object>)columns.ToDictionary(c => c.Name, c => MetricFormat.Cell(c.Name, c.GetValue(row))))
            .ToList().ToTabularDataResource();
    }
}
