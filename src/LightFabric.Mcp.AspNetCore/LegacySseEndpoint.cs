using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// The 2024-11-05 HTTP+SSE transport for older clients: <c>GET {path}/sse</c> opens a session and its event
/// stream, whose first event names the endpoint for messages; <c>POST {path}/messages?sessionId=…</c> takes one
/// JSON-RPC message, answers 202, and the response travels on the event stream. The session ends with its stream.
/// </summary>
public sealed class LegacySseEndpoint(StreamableHttpOptions options, McpSessionStore sessions, IMcpServerHandler handler,
    StreamableHttpEndpoint streamable, ILogger logger)
{
    public const string StreamSuffix = "/sse";
    public const string MessagesSuffix = "/messages";

    public async Task StreamAsync(HttpContext http, McpCaller caller)
    {
        if (McpAdmission.Rejection(http, options) is { } refused)
        {
            await StreamableHttpEndpoint.WriteErrorAsync(http, null, refused).ConfigureAwait(false);
            return;
        }

        var created = sessions.TryCreate(McpProtocolVersions.V2024_11_05, null, null, caller.Binding, caller.ClientKey, out var session);
        if (created != SessionCreateResult.Created)
        {
            await StreamableHttpEndpoint.WriteErrorAsync(http, null, McpAdmission.SessionLimit(created)).ConfigureAwait(false);
            return;
        }

        session!.TryOpenStream();
        var path = http.Request.PathBase + http.Request.Path;
        var messages = path.Value![..^StreamSuffix.Length] + MessagesSuffix + "?sessionId=" + session.Id;
        var endpointEvent = Encoding.UTF8.GetBytes($"event: endpoint\ndata: {messages}\n\n");
        try
        {
            await SessionEventStream.RunAsync(http, session, options.KeepAliveInterval, endpointEvent, streamable.Stopping.Of(http)).ConfigureAwait(false);
        }
        finally
        {
            await sessions.RemoveAsync(session.Id, "event stream closed").ConfigureAwait(false);
        }
    }

    public async Task MessageAsync(HttpContext http, McpCaller caller)
    {
        if (McpAdmission.Rejection(http, options) is { } refused)
        {
            await StreamableHttpEndpoint.WriteErrorAsync(http, null, refused).ConfigureAwait(false);
            return;
        }

        if (!streamable.TryResolveSession(http, caller, out var session, out var rejection))
        {
            await StreamableHttpEndpoint.WriteErrorAsync(http, null, rejection).ConfigureAwait(false);
            return;
        }

        if (McpAdmission.ContentTypeRejection(http.Request.ContentType) is { } unreadable)
        {
            await StreamableHttpEndpoint.WriteErrorAsync(http, null, unreadable).ConfigureAwait(false);
            return;
        }

        IncomingMessage message;
        try
        {
            var body = await StreamableHttpEndpoint.ReadBodyAsync(http.Request, options.MaxRequestBodyBytes).ConfigureAwait(false);
            message = IncomingMessage.Parse(body.Span, options.MaxJsonDepth);
        }
        catch (McpException ex)
        {
            await StreamableHttpEndpoint.WriteErrorAsync(http, (ex.ErrorData as JsonObject)?["id"], ex).ConfigureAwait(false);
            return;
        }

        session.Touch();
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        switch (message.Kind)
        {
            case IncomingMessageKind.Response:
                session.CompleteClientRequest(message.Id!.ToJsonString(), message.Message);
                return;
            case IncomingMessageKind.Notification:
                if (message.Method == McpMethods.Cancelled && message.Params?["requestId"] is JsonValue id)
                {
                    session.CancelRequest(id.ToJsonString());
                }
                else
                {
                    handler.HandleNotification(session, message.Method!, message.Params);
                }

                return;
        }

        if (message.Method == McpMethods.Initialize)
        {
            var parameters = message.Params as JsonObject;
            var requested = parameters?["protocolVersion"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
            var version = McpProtocolVersions.Negotiate(requested);
            var clientInfo = (JsonObject?)parameters?["clientInfo"]?.DeepClone();
            session.Initialize(version, clientInfo, (JsonObject?)parameters?["capabilities"]?.DeepClone());
            Reply(session, message.Id, handler.InitializeResult(version, clientInfo), null);
            return;
        }

        // Answered on the event stream after this POST is done, so the request is copied out of the recycled context.
        _ = RunAsync(RequestHeaders.CopyOf(http.Request.Headers), streamable.Stopping.Of(http), caller, session, message);
    }

    private async Task RunAsync(RequestHeaders headers, CancellationToken stopping, McpCaller caller, McpSession session, IncomingMessage message)
    {
        var key = message.Id!.ToJsonString();
        var cts = session.BeginRequest(key, CancellationToken.None);
        try
        {
            var request = new McpRequest(session, caller, message.Id, message.Method!, message.Params, headers, new SessionStreamMessages(session),
                session.Closed, stopping);
            var result = await handler.HandleRequestAsync(request, cts.Token)
                .ConfigureAwait(false);
            Reply(session, message.Id, result, null);
        }
        catch (McpException ex)
        {
            Reply(session, message.Id, null, ex);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Cancelled: no response, as the specification says.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "MCP request {Method} of legacy session {SessionId} failed", message.Method, session.Id);
            Reply(session, message.Id, null, new McpException(McpErrorCodes.InternalError, "Internal error"));
        }
        finally
        {
            session.EndRequest(key, cts);
        }
    }

    private static void Reply(McpSession session, JsonNode? id, JsonNode? result, McpException? error)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        if (error is null)
        {
            JsonRpcWriter.WriteResult(buffer, id, result);
        }
        else
        {
            JsonRpcWriter.WriteError(buffer, id, error.Code, error.Message, error.ErrorData);
        }

        session.Send(buffer.WrittenSpan.ToArray());
    }
}
