using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Logging;

/// <summary>
/// The logger factory the web host logs through: the runtime's own, except that the host's "Hosting failed to start"
/// record goes to debug. The host logs that failure with its whole stack and then throws it to the runtime, which
/// turns the known ones (port in use, bad certificate) into one line and lets any other escape with its stack, so
/// the record only repeats what the caller reports anyway.
/// </summary>
internal sealed class HostLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Microsoft.Extensions.Hosting's LoggerEventIds.HostedServiceStartupFaulted.</summary>
    private const int HostedServiceStartupFaulted = 11;

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == HostCategory ? new StartupFaultToDebug(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The runtime owns and disposes the inner factory.</summary>
    public void Dispose()
    {
    }

    private sealed class StartupFaultToDebug(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == HostedServiceStartupFaulted && logLevel > LogLevel.Debug)
            {
                logLevel = LogLevel.Debug;
                if (!inner.IsEnabled(logLevel))
                {
                    return;
                }
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
