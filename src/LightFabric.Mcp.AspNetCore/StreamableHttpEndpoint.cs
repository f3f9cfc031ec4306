using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// MCP Streamable HTTP on one path: POST carries one JSON-RPC message (answered as JSON or as an SSE
/// event, per Accept), GET opens the session's server→client event stream, DELETE ends the session.
/// Owns sessions (id issued at initialize, bound to the caller) and every HTTP-level error.
/// </summary>
public sealed class StreamableHttpEndpoint(StreamableHttpOptions options, McpSessionStore sessions, IMcpServerHandler handler, ILogger logger)
{
    public const string SessionIdHeader = "Mcp-Session-Id";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";


    public StreamableHttpOptions Options => options;

    internal HostStopping Stopping { get; } = new();

    public Task HandleAsync(HttpContext http, McpCaller caller)
    {
        if (McpAdmission.Rejection(http, options) is { } rejection)
        {
            return WriteErrorAsync(http, null, rejection);
        }

        return http.Request.Method switch
        {
            "POST" => PostAsync(http, caller),
            "GET" => StreamAsync(http, caller),
            "DELETE" => DeleteAsync(http, caller),
            _ => MethodNotAllowedAsync(http),
        };
    }

    private static Task MethodNotAllowedAsync(HttpContext http)
    {
        http.Response.Headers.Allow = "GET, POST, DELETE";
        return WriteErrorAsync(http, null, new McpException(McpErrorCodes.InvalidRequest,
            $"Method {http.Request.Method} is not allowed on the MCP endpoint; use POST, GET or DELETE", httpStatus: 405));
    }

    private async Task PostAsync(HttpContext http, McpCaller caller)
    {
        var request = http.Request;
        if (McpAdmission.ContentTypeRejection(request.ContentType) is { } unreadable)
        {
            await WriteErrorAsync(http, null, unreadable).ConfigureAwait(false);
            return;
        }

        var mode = ResponseModes.Choose(request.Headers.Accept);
        if (mode == ResponseMode.None)
        {
            await WriteErrorAsync(http, null, new McpException(McpErrorCodes.InvalidRequest,
                "Accept must allow application/json or text/event-stream", httpStatus: 406)).ConfigureAwait(false);
            return;
        }

        IncomingMessage message;
        try
        {
            var body = await ReadBodyAsync(request, options.MaxRequestBodyBytes).ConfigureAwait(false);
            message = IncomingMessage.Parse(body.Span, options.MaxJsonDepth);
        }
        catch (McpException ex)
        {
            await WriteErrorAsync(http, (ex.ErrorData as JsonObject)?["id"], ex).ConfigureAwait(false);
            return;
        }

        if (message is { Kind: IncomingMessageKind.Request, Method: McpMethods.Initialize })
        {
            await InitializeAsync(http, caller, message, mode).ConfigureAwait(false);
            return;
        }

        if (options.StatelessEnabled && StatelessRequest.Applies(request, message))
        {
            await StatelessAsync(http, caller, message, mode).ConfigureAwait(false);
            return;
        }

        if (!TryResolveSession(http, caller, out var session, out var rejection))
        {
            await WriteErrorAsync(http, message.Id, rejection).ConfigureAwait(false);
            return;
        }

        if (McpAdmission.ProtocolVersionRejection(request, session) is { } versionProblem)
        {
            await WriteErrorAsync(http, message.Id, versionProblem).ConfigureAwait(false);
            return;
        }

        session.Touch();
        switch (message.Kind)
        {
            case IncomingMessageKind.Notification:
                OnNotification(session, message);
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case IncomingMessageKind.Response:
                // The client's answer to a request the gateway relayed to it (sampling, elicitation, roots).
                if (!session.CompleteClientRequest(message.Id!.ToJsonString(), message.Message))
                {
                    logger.LogDebug("MCP session {SessionId} answered request {Id}, which nobody waits for", session.Id, message.Id.ToJsonString());
                }

                http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
        }

        await RequestAsync(http, caller, session, message, mode).ConfigureAwait(false);
    }

    private async Task InitializeAsync(HttpContext http, McpCaller caller, IncomingMessage message, ResponseMode mode)
    {
        var parameters = message.Params as JsonObject;
        var requested = parameters?["protocolVersion"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        if (requested is null)
        {
            await WriteErrorAsync(http, message.Id, new McpException(McpErrorCodes.InvalidParams,
                "initialize needs params.protocolVersion")).ConfigureAwait(false);
            return;
        }

        var clientInfo = parameters!["clientInfo"] as JsonObject;
        var capabilities = parameters["capabilities"] as JsonObject;
        var version = McpProtocolVersions.Negotiate(requested);
        var created = sessions.TryCreate(version, (JsonObject?)clientInfo?.DeepClone(), (JsonObject?)capabilities?.DeepClone(), caller.Binding, caller.ClientKey, out var session);
        if (created != SessionCreateResult.Created)
        {
            if (created == SessionCreateResult.StoreFull)
            {
                logger.LogWarning("MCP initialize refused: {Count} sessions open (maxSessions)", sessions.Count);
            }

            await WriteErrorAsync(http, message.Id, McpAdmission.SessionLimit(created)).ConfigureAwait(false);
            return;
        }

        http.Response.Headers[SessionIdHeader] = session!.Id;
        http.Response.Headers[ProtocolVersionHeader] = version;
        await WriteResultAsync(http, mode, message.Id, handler.InitializeResult(version, clientInfo)).ConfigureAwait(false);
    }

    private async Task RequestAsync(HttpContext http, McpCaller caller, McpSession session, IncomingMessage message, ResponseMode mode)
    {
        var key = message.Id!.ToJsonString();
        var cts = session.BeginRequest(key, http.RequestAborted);
        var related = new RequestEventStream(http, ResponseModes.AcceptsEventStream(http.Request.Headers.Accept), session);
        try
        {
            var result = await handler.HandleRequestAsync(new McpRequest(session, caller, message.Id, message.Method!, message.Params, new RequestHeaders(http.Request.Headers), related,
                    http.RequestAborted, Stopping.Of(http)), cts.Token)
                .ConfigureAwait(false);
            if (related.Started)
            {
                var buffer = new ArrayBufferWriter<byte>(512);
                JsonRpcWriter.WriteResult(buffer, message.Id, result);
                await related.CompleteAsync(buffer.WrittenMemory).ConfigureAwait(false);
            }
            else
            {
                await related.CloseAsync().ConfigureAwait(false);
                await WriteResultAsync(http, mode, message.Id, result).ConfigureAwait(false);
            }
        }
        catch (McpException ex)
        {
            if (related.Started)
            {
                var buffer = new ArrayBufferWriter<byte>(256);
                JsonRpcWriter.WriteError(buffer, message.Id, ex.Code, ex.Message, ex.ErrorData);
                await related.CompleteAsync(buffer.WrittenMemory).ConfigureAwait(false);
            }
            else
            {
                await related.CloseAsync().ConfigureAwait(false);
                await WriteErrorAsync(http, message.Id, ex, mode).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Cancelled by the client (notifications/cancelled or disconnect) or the session ended:
            // the specification says no response is sent for a cancelled request.
            if (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
            {
                http.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect of the gateway, not of the request (client input is refused before dispatch): this call fails
            // alone, with one line in the log; the stack is at debug.
            logger.LogError("MCP request {Method} of session {SessionId} failed inside the gateway: {Error}: {Message}",
                message.Method, session.Id, ex.GetType().Name, ex.Message);
            logger.LogDebug(ex, "MCP request {Method} failed", message.Method);
            var internalError = new McpException(McpErrorCodes.InternalError, "Internal error: the gateway failed to process this request; see its log");
            if (related.Started)
            {
                var buffer = new ArrayBufferWriter<byte>(256);
                JsonRpcWriter.WriteError(buffer, message.Id, internalError.Code, internalError.Message, null);
                await related.CompleteAsync(buffer.WrittenMemory).ConfigureAwait(false);
            }
            else
            {
                await related.CloseAsync().ConfigureAwait(false);
                await WriteErrorAsync(http, message.Id, internalError, mode).ConfigureAwait(false);
            }
        }
        finally
        {
            session.EndRequest(key, cts);
        }
    }

    /// <summary>
    /// A 2026-07-28 request: checked against its headers, served in a session that lives only for this request,
    /// answered with <c>resultType: complete</c>.
    /// </summary>
    private async Task StatelessAsync(HttpContext http, McpCaller caller, IncomingMessage message, ResponseMode mode)
    {
        if (message.Kind != IncomingMessageKind.Request)
        {
            // Stateless notifications carry nothing the gateway keeps.
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (StatelessRequest.Validate(http.Request, message) is { } problem)
        {
            await WriteErrorAsync(http, message.Id, problem).ConfigureAwait(false);
            return;
        }

        var meta = (JsonObject)message.Params!["_meta"]!;
        var session = new McpSession("stateless", McpProtocolVersions.V2026_07_28,
            (JsonObject?)meta[StatelessRequest.ClientInfoKey]?.DeepClone(), (JsonObject?)meta[StatelessRequest.CapabilitiesKey]?.DeepClone(),
            caller.Binding, caller.ClientKey);
        try
        {
            await RequestAsync(http, caller, session, message, mode).ConfigureAwait(false);
        }
        finally
        {
            await session.CloseAsync().ConfigureAwait(false);
        }
    }

    private void OnNotification(McpSession session, IncomingMessage message)
    {
        if (message.Method == McpMethods.Cancelled)
        {
            if (message.Params?["requestId"] is JsonValue id)
            {
                session.CancelRequest(id.ToJsonString());
            }

            return;
        }

        handler.HandleNotification(session, message.Method!, message.Params);
    }

    private async Task StreamAsync(HttpContext http, McpCaller caller)
    {
        if (ResponseModes.Choose(http.Request.Headers.Accept, preferStream: true) != ResponseMode.EventStream)
        {
            await WriteErrorAsync(http, null, new McpException(McpErrorCodes.InvalidRequest,
                "GET opens the server→client event stream and needs Accept: text/event-stream", httpStatus: 406)).ConfigureAwait(false);
            return;
        }

        if (!TryResolveSession(http, caller, out var session, out var rejection))
        {
            await WriteErrorAsync(http, null, rejection).ConfigureAwait(false);
            return;
        }

        if (McpAdmission.ProtocolVersionRejection(http.Request, session) is { } versionProblem)
        {
            await WriteErrorAsync(http, null, versionProblem).ConfigureAwait(false);
            return;
        }

        if (!session.TryOpenStream())
        {
            await WriteErrorAsync(http, null, new McpException(McpErrorCodes.InvalidRequest,
                "This session already has an open event stream", httpStatus: 409)).ConfigureAwait(false);
            return;
        }

        await SessionEventStream.RunAsync(http, session, options.KeepAliveInterval, preamble: null, Stopping.Of(http)).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext http, McpCaller caller)
    {
        if (!TryResolveSession(http, caller, out var session, out var rejection))
        {
            await WriteErrorAsync(http, null, rejection).ConfigureAwait(false);
            return;
        }

        if (McpAdmission.ProtocolVersionRejection(http.Request, session) is { } versionProblem)
        {
            await WriteErrorAsync(http, null, versionProblem).ConfigureAwait(false);
            return;
        }

        await sessions.RemoveAsync(session.Id, "ended by the client").ConfigureAwait(false);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    internal bool TryResolveSession(HttpContext http, McpCaller caller, out McpSession session, out McpException rejection)
    {
        session = null!;
        rejection = null!;
        var id = SessionIdFrom(http.Request);
        if (string.IsNullOrEmpty(id))
        {
            rejection = new McpException(McpErrorCodes.InvalidRequest,
                $"Bad Request: the {SessionIdHeader} header is required; send initialize first to open a session", httpStatus: 400);
            return false;
        }

        if (!sessions.TryGet(id, out session))
        {
            rejection = new McpException(McpErrorCodes.ExecutionFailed,
                "Session not found: it expired or was ended; send initialize to open a new session", httpStatus: 404);
            return false;
        }

        if (!string.Equals(session.Binding, caller.Binding, StringComparison.Ordinal))
        {
            logger.LogWarning("MCP session {SessionId} presented by another principal; refused", session.Id);
            rejection = new McpException(McpErrorCodes.AccessDenied, "This MCP session belongs to another principal", httpStatus: 403);
            session = null!;
            return false;
        }

        return true;
    }

    private static string? SessionIdFrom(HttpRequest request)
    {
        if (request.Headers.TryGetValue(SessionIdHeader, out var header) && header.Count > 0)
        {
            return header.ToString();
        }

        // Older light-gateway clients carried the id in the query.
        return request.Query.TryGetValue("sessionId", out var query) || request.Query.TryGetValue("session_id", out query)
            ? query.ToString()
            : null;
    }

    /// <summary>
    /// Reads the whole body, refusing more than <paramref name="limit"/> bytes. Each read is consumed as it arrives:
    /// a body read left examined-but-unconsumed when the client ends the body early leaves Kestrel's content-length
    /// reader unable to reset, and the connection then fails with "Reading is already in progress"
    /// (dotnet/aspnetcore#19476). No cancellation token either: Kestrel ends the read itself when the client goes.
    /// </summary>
    internal static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var reader = request.BodyReader;
        var body = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 1024);
        while (true)
        {
            var read = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = read.Buffer;
            if (body.WrittenCount + buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge(limit);
            }

            foreach (var segment in buffer)
            {
                body.Write(segment.Span);
            }

            reader.AdvanceTo(buffer.End);
            if (read.IsCompleted)
            {
                return body.WrittenMemory;
            }
        }
    }

    private static McpException TooLarge(int limit) =>
        new(McpErrorCodes.InvalidRequest, $"The request body is larger than {limit} bytes (mcp-router.yml maxRequestBodyBytes)", httpStatus: 413);

    private static async Task WriteResultAsync(HttpContext http, ResponseMode mode, JsonNode? id, JsonNode? result)
    {
        var response = http.Response;
        if (mode == ResponseMode.EventStream)
        {
            SseFraming.Prepare(response);
            var buffer = new ArrayBufferWriter<byte>(256);
            JsonRpcWriter.WriteResult(buffer, id, result);
            SseFraming.WriteEvent(response.BodyWriter, buffer.WrittenSpan);
        }
        else
        {
            // Buffered so the answer carries Content-Length: cheaper for both ends than chunked framing.
            var buffer = new ArrayBufferWriter<byte>(512);
            JsonRpcWriter.WriteResult(buffer, id, result);
            response.ContentType = "application/json";
            response.ContentLength = buffer.WrittenCount;
            await response.BodyWriter.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        await response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    internal static async Task WriteErrorAsync(HttpContext http, JsonNode? id, McpException error, ResponseMode mode = ResponseMode.Json)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            return;
        }

        var data = error.ErrorData is JsonObject obj && obj.ContainsKey("id") && obj.Count == 1 ? null : error.ErrorData;
        if (mode == ResponseMode.EventStream && error.HttpStatus == 200)
        {
            SseFraming.Prepare(response);
            var buffer = new ArrayBufferWriter<byte>(256);
            JsonRpcWriter.WriteError(buffer, id, error.Code, error.Message, data);
            SseFraming.WriteEvent(response.BodyWriter, buffer.WrittenSpan);
        }
        else
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            JsonRpcWriter.WriteError(buffer, id, error.Code, error.Message, data);
            response.StatusCode = error.HttpStatus;
            response.ContentType = "application/json";
            response.ContentLength = buffer.WrittenCount;
            await response.BodyWriter.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        await response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

}
