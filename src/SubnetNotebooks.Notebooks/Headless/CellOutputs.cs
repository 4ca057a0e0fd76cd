using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace SubnetNotebooks.Headless;

/// <summary>
/// Turns the kernel events of one cell into the cell's notebook outputs, as a Jupyter front end
/// would: display data (updated in place by display id), the returned value, stdout/stderr
/// streams and errors.
/// </summary>
internal sealed class CellOutputs
{
    readonly List<InteractiveDocumentOutputElement> _outputs = [];
    readonly Dictionary<string, DisplayElement> _displays = new(StringComparer.Ordinal);
    readonly int _executionCount;

    public CellOutputs(int executionCount) => _executionCount = executionCount;

    /// <summary>The outputs in the order they appeared.</summary>
    public IReadOnlyList<InteractiveDocumentOutputElement> Outputs => _outputs;

    /// <summary>The failure message, when the cell failed.</summary>
    public string? Failure { get; private set; }

    /// <summary>Records one kernel event.</summary>
    public void Add(KernelEvent e)
    {
        switch (e)
        {
            case DisplayedValueUpdated updated:
                if (updated.ValueId is { } id && _displays.TryGetValue(id, out var shown))
                {
                    shown.Data.Clear();
                    foreach (var (mime, value) in Data(updated.FormattedValues)) shown.Data[mime] = value;
                }
                else Display(updated.ValueId, updated.FormattedValues);
                break;
            case DisplayedValueProduced produced:
                Display(produced.ValueId, produced.FormattedValues);
                break;
            case ReturnValueProduced returned:
                var result = new ReturnValueElement { ExecutionOrder = _executionCount };
                foreach (var (mime, value) in Data(returned.FormattedValues)) result.Data[mime] = value;
                _outputs.Add(result);
                break;
            case StandardOutputValueProduced stdout:
                Stream("stdout", stdout.FormattedValues);
                break;
            case StandardErrorValueProduced stderr:
                Stream("stderr", stderr.FormattedValues);
                break;
            case ErrorProduced error:
                _outputs.Add(new ErrorElement(errorValue: error.Message, errorName: "Error", stackTrace: []));
                break;
            case CommandFailed failed:
                Failure = failed.Message;
                _outputs.Add(new ErrorElement(
                    errorValue: failed.Exception?.Message ?? failed.Message,
                    errorName: failed.Exception?.GetType().Name ?? "Error",
                    (failed.Exception?.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)));
                break;
        }
    }

    void Display(string? id, IEnumerable<FormattedValue> values)
    {
        var element = new DisplayElement(Data(values).ToDictionary(p => p.Mime, p => (object)p.Value));
        _outputs.Add(element);
        if (!string.IsNullOrEmpty(id)) _displays[id] = element;
    }

    void Stream(string name, IEnumerable<FormattedValue> values)
    {
        string text = string.Concat(values.Where(v => v.MimeType == PlainTextFormatter.MimeType).Select(v => v.Value));
        if (_outputs.Count > 0 && _outputs[^1] is TextElement last && last.Name == name)
            _outputs[^1] = new TextElement(last.Text + text, name);
        else
            _outputs.Add(new TextElement(text, name));
    }

    static IEnumerable<(string Mime, string Value)> Data(IEnumerable<FormattedValue> values) =>
        values.Where(v => !v.SuppressDisplay).Select(v => (v.MimeType, v.Value));
}
