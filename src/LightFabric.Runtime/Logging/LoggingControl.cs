using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Logging;

/// <summary>
/// Holds the live log filter. The filter is dynamic (swap at runtime); the output format is fixed at start.
/// </summary>
public sealed class LoggingControl
{
    private volatile LogFilter _filter;

    public LoggingControl(LogFilter filter, string source)
    {
        _filter = filter;
        Source = source;
        Baseline = filter;
    }

    public LogFilter Filter => _filter;

    /// <summary>Where the startup filter came from: LIGHT_LOG, RUST_LOG, values.yml logging.filter or default.</summary>
    public string Source { get; private set; }

    /// <summary>The filter the configuration asks for; a reload of runtime/logging returns to it.</summary>
    public LogFilter Baseline { get; private set; }

    public bool IsEnabled(string? category, LogLevel level) => _filter.IsEnabled(category ?? "", level);

    public void Set(LogFilter filter) => _filter = filter;

    public void ResetBaseline(LogFilter filter, string source)
    {
        Baseline = filter;
        Source = source;
        _filter = filter;
    }

    /// <summary>
    /// Startup precedence: LIGHT_LOG, then RUST_LOG (the seed's env files use it), then values.yml
    /// <c>logging.filter</c>, then <c>info</c>.
    /// </summary>
    public static (string Text, string Source) SelectStartupFilter(Func<string, string?> environment, string? valuesFilter)
    {
        var light = environment("LIGHT_LOG");
        if (!string.IsNullOrWhiteSpace(light))
        {
            return (light, "env LIGHT_LOG");
        }

        var rust = environment("RUST_LOG");
        if (!string.IsNullOrWhiteSpace(rust))
        {
            return (rust, "env RUST_LOG");
        }

        if (!string.IsNullOrWhiteSpace(valuesFilter))
        {
            return (valuesFilter, "values.yml logging.filter");
        }

        return ("info", "default");
    }
}
