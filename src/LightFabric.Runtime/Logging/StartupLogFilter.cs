using System.Text.Json.Nodes;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Logging;

/// <summary>The logging filter a configuration asks for at start and reload: the environment, else values.yml <c>logging.filter</c>.</summary>
internal static class StartupLogFilter
{
    /// <summary>Makes the configured filter the baseline that runtime changes to the log level return to.</summary>
    public static void ApplyBaseline(RuntimeOptions options, RuntimeConfiguration configuration, ILogger logger)
    {
        var (text, source) = LoggingControl.SelectStartupFilter(options.Environment.Get, ValuesFilter(configuration));
        if (LogFilter.TryParse(text, out var filter, out var error))
        {
            if (filter.Text != options.Logging.Baseline.Text)
            {
                options.Logging.ResetBaseline(filter, source);
            }
        }
        else
        {
            logger.LogWarning("Ignoring {Source}: {Error}", source, error);
        }
    }

    public static LogFilter From(RuntimeOptions options, RuntimeConfiguration configuration)
    {
        var (text, _) = LoggingControl.SelectStartupFilter(options.Environment.Get, ValuesFilter(configuration));
        return LogFilter.TryParse(text, out var filter, out _) ? filter : options.Logging.Baseline;
    }

    private static string? ValuesFilter(RuntimeConfiguration configuration) =>
        configuration.Loader.Values.TryGet("logging.filter", out var node) && node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : null;
}
