using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Upstream;

/// <summary>The log lines of an upstream server's supervisor: up, down, restarts, refreshes.</summary>
internal static partial class UpstreamServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "upstream MCP server '{Server}' is up ({Transport}, protocol {ProtocolVersion}, {ToolCount} tools{ProcessInfo})")]
    internal static partial void LogUp(ILogger logger, string server, string transport, string protocolVersion, int toolCount, string processInfo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' is down: {Reason}; next attempt in {DelaySeconds:0.#} s")]
    internal static partial void LogDown(ILogger logger, string server, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream MCP server '{Server}' is still down: {Reason}; next attempt in {DelaySeconds:0.#} s")]
    internal static partial void LogStillDown(ILogger logger, string server, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' did not answer ping {Missed} of {Misses} within {TimeoutSeconds:0.###} s")]
    internal static partial void LogPingMissed(ILogger logger, string server, int missed, int misses, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "upstream MCP server '{Server}' stderr: {Line}")]
    internal static partial void LogStderr(ILogger logger, string server, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "upstream MCP server '{Server}' publishes {ToolCount} tools")]
    internal static partial void LogToolsPublished(ILogger logger, string server, int toolCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' sent a tool without a name; skipped: {Tool}")]
    internal static partial void LogInvalidTool(ILogger logger, string server, string tool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}': re-reading the tool list failed, keeping the previous one: {Reason}")]
    internal static partial void LogRefreshFailed(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}': a {Event} handler failed")]
    internal static partial void LogHandlerFailed(ILogger logger, string server, string @event, Exception exception);
}
