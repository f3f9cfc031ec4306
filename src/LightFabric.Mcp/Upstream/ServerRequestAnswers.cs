using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using McpException = LightFabric.Mcp.Protocol.McpException;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// The answer to a request an upstream sends its client (sampling, elicitation, roots, ping): the handler's result,
/// or an error the upstream can act on. One failing answer never ends the connection.
/// </summary>
internal static class ServerRequestAnswers
{
    /// <summary>The reply to send, or null when the request was cancelled (the specification says not to answer then).</summary>
    public static async Task<JsonRpcMessage?> AnswerAsync(Func<string, JsonNode?, CancellationToken, Task<JsonNode?>>? handler, JsonRpcRequest request,
        string serverName, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            JsonNode? result;
            if (handler is not null)
            {
                result = await handler(request.Method, request.Params, cancellationToken).ConfigureAwait(false);
            }
            else if (request.Method == McpMethods.Ping)
            {
                result = new JsonObject();
            }
            else
            {
                throw new UpstreamErrorException(serverName, McpErrorCodes.MethodNotFound, $"Method not found: {request.Method}", null);
            }

            return new JsonRpcResponse { Id = request.Id, Result = result ?? new JsonObject() };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The upstream cancelled its request (or the connection is closing).
            return null;
        }
        catch (UpstreamErrorException ex)
        {
            return ErrorReply(request.Id, ex.Code, ex.Message, ex.Data);
        }
        catch (Exception ex)
        {
            UpstreamConnectionLog.LogServerRequestFailed(logger, serverName, request.Method, ex);
            return ErrorReply(request.Id, McpErrorCodes.InternalError, ex.Message, null);
        }
    }

    /// <summary>
    /// The reply's bytes; a reply that cannot be written (e.g. a client's answer with a string that cannot be encoded)
    /// is replaced by an error reply, so the upstream still gets an answer.
    /// </summary>
    public static byte[] Serialize(ref JsonRpcMessage reply, JsonRpcRequest request, string serverName, ILogger logger)
    {
        try
        {
            return OutgoingMessages.Serialize(reply, serverName, request.Method, null);
        }
        catch (McpException ex)
        {
            UpstreamConnectionLog.LogServerRequestFailed(logger, serverName, request.Method, ex);
            reply = ErrorReply(request.Id, McpErrorCodes.InternalError, $"the answer to {request.Method} could not be relayed: {ex.Message}", null);
            return OutgoingMessages.Serialize(reply, serverName, request.Method, null);
        }
    }

    private static JsonRpcError ErrorReply(RequestId id, int code, string message, JsonNode? data) =>
        new() { Id = id, Error = new JsonRpcErrorDetail { Code = code, Message = message, Data = data } };
}
