using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace LightFabric.Runtime.Logging;

/// <summary>Human-readable single-line records: <c>2026-06-03T14:12:41.233Z  INFO target: message</c>.</summary>
public sealed class TextLogFormatter : ConsoleFormatter
{
    public const string FormatterName = "light-text";

    public TextLogFormatter() : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        textWriter.Write(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        textWriter.Write(' ');
        textWriter.Write(LogRecordFields.LevelName(logEntry.LogLevel).PadLeft(5));
        textWriter.Write(' ');
        textWriter.Write(logEntry.Category);
        textWriter.Write(": ");
        textWriter.Write(message);
        if (logEntry.Exception is { } ex)
        {
            textWriter.Write(' ');
            textWriter.Write(ex.ToString());
        }

        textWriter.Write('\n');
    }
}
