using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Upstream;

/// <summary>The log lines of an upstream connection, each naming the server.</summary>
internal static partial class UpstreamConnectionLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' chose protocol version {Version}, which the gateway does not know; continuing")]
    internal static partial void LogUnknownProtocolVersion(ILogger logger, string server, string version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream MCP server '{Server}' sent a reply for unknown or cancelled request {RequestId}; ignored")]
    internal static partial void LogUnmatchedReply(ILogger logger, string server, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}': a message could not be handled")]
    internal static partial void LogDispatchFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}': answering its {Method} request failed")]
    internal static partial void LogServerRequestFailed(ILogger logger, string server, string method, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream MCP server '{Server}': the reply to its {Method} request was not sent: {Reason}")]
    internal static partial void LogServerRequestReplyNotSent(ILogger logger, string server, string method, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream MCP server '{Server}': notifications/cancelled for request {RequestId} was not sent: {Reason}")]
    internal static partial void LogCancelNotSent(ILogger logger, string server, string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream MCP server '{Server}': closing the transport failed: {Reason}")]
    internal static partial void LogTransportDisposeFailed(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' answered {Method} with {Length} bytes, more than maxMessageBytes ({Limit}); the answer was dropped and that call failed")]
    internal static partial void LogOversizeAnswer(ILogger logger, string server, string method, long length, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' sent a message of {Length} bytes, more than maxMessageBytes ({Limit}); it was dropped")]
    internal static partial void LogOversizeMessageDropped(ILogger logger, string server, long length, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}': the read loop did not end after the transport was closed")]
    internal static partial void LogReadLoopDidNotEnd(ILogger logger, string server);
}
