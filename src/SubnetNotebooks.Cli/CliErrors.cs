using Spectre.Console;
using Spectre.Console.Cli;

namespace SubnetNotebooks.Cli;

/// <summary>Turns an exception into one clear message on stderr and a non-zero exit code.</summary>
public static class CliErrors
{
    /// <summary>Prints the error (and inner errors) without a stack trace; returns the exit code.</summary>
    public static int Report(Exception e)
    {
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected) err.Profile.Width = 400; // one line per message in logs
        int code = e is CommandAppException or CommandParseException or CommandRuntimeException ? 2 : 1;
        // Each message once: an inner error whose text the outer one already quotes adds nothing.
        var printed = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (printed.Any(p => p.Contains(x.Message, StringComparison.Ordinal))) continue;
            printed.Add(x.Message);
            err.MarkupLineInterpolated($"[red]error:[/] {x.Message}");
        }
        if (Environment.GetEnvironmentVariable("SUBNET_DEBUG") == "1") err.WriteLine(e.ToString());
        return code;
    }
}
