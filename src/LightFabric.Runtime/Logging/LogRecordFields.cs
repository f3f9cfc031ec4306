using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Logging;

internal static class LogRecordFields
{
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error or LogLevel.Critical => "ERROR",
        _ => "OFF",
    };

    /// <summary>Structured properties of a log call, without the message template itself.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Properties<TState>(TState state)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            foreach (var pair in list)
            {
                if (pair.Key != "{OriginalFormat}")
                {
                    yield return pair;
                }
            }
        }
    }
}
