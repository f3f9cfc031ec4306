using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// The logger factory handed to the SDK's stdio transport. It drops the SDK's own stderr lines (the gateway logs them
/// itself, once, with the server name) and picks up the child's process id from the SDK's "process started" event,
/// which the SDK exposes nowhere else while the process runs.
/// </summary>
internal sealed class SdkTransportLoggerFactory(ILoggerFactory inner, Action<int> processStarted) : ILoggerFactory
{
    private const string StderrEvent = "LogReadStderr";
    private const string ProcessStartedEvent = "LogTransportProcessStarted";

    public ILogger CreateLogger(string categoryName) => new Filter(inner.CreateLogger(categoryName), processStarted);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    private sealed class Filter(ILogger inner, Action<int> processStarted) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        // Information must pass the SDK's IsEnabled check even when the host filters it out, or the process-started
        // event (Information) is never raised and the process id is never seen.
        public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Information || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == StderrEvent)
            {
                return;
            }

            if (eventId.Name == ProcessStartedEvent && state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key == "ProcessId" && value is int pid)
                    {
                        processStarted(pid);
                    }
                }
            }

            if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
