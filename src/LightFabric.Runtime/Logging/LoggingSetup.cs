using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LightFabric.Runtime.Logging;

/// <summary>Installs the console sink in the chosen format behind the live filter.</summary>
public static class LoggingSetup
{
    public static LogFormat ReadFormat(Func<string, string?> environment) =>
        string.Equals(environment("LIGHT_LOG_FORMAT")?.Trim(), "json", StringComparison.OrdinalIgnoreCase)
            ? LogFormat.Json
            : LogFormat.Text;

    public static ILoggingBuilder AddLightConsole(this ILoggingBuilder builder, LogFormat format, LoggingControl control)
    {
        builder.ClearProviders();
        builder.SetMinimumLevel(LogLevel.Trace);
        builder.AddFilter((_, category, level) => control.IsEnabled(category, level));
        builder.AddConsole(options =>
        {
            options.FormatterName = format == LogFormat.Json ? JsonLineLogFormatter.FormatterName : TextLogFormatter.FormatterName;
            // Diagnostics go to stderr only for errors; stdout stays a single stream of records.
            options.LogToStandardErrorThreshold = LogLevel.None;
        });
        builder.AddConsoleFormatter<JsonLineLogFormatter, ConsoleFormatterOptions>();
        builder.AddConsoleFormatter<TextLogFormatter, ConsoleFormatterOptions>();
        return builder;
    }

    /// <summary>A standalone factory for code that runs before the host exists (bootstrap, CLI commands).</summary>
    public static ILoggerFactory CreateFactory(LogFormat format, LoggingControl control) =>
        LoggerFactory.Create(b => b.AddLightConsole(format, control));
}
