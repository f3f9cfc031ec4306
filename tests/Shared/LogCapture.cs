using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LightFabric.Testing;

/// <summary>Collects formatted log records so tests can assert on what operators would read.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _records = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Records => _records.ToArray();

    public string AllText => string.Join("\n", _records.Select(r => $"{r.Level} {r.Category}: {r.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._records.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
    }
}
