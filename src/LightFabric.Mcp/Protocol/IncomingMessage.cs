using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Protocol;

public enum IncomingMessageKind
{
    Request,
    Notification,
    Response,
}

/// <summary>One JSON-RPC message received from a client, classified once.</summary>
public sealed record IncomingMessage(IncomingMessageKind Kind, JsonNode? Id, string? Method, JsonNode? Params, JsonObject Message)
{
    /// <summary>
    /// Parses a POST body, the one place every MCP message of a client passes. Not UTF-8, not JSON (or too deep), a
    /// lone surrogate outside params: parse error (-32700). Not one JSON-RPC message, a member named twice: invalid
    /// request (-32600). Params of the wrong shape (<see cref="McpParamsShape"/>), a lone surrogate or a member named
    /// twice inside params: invalid params (-32602) naming the member. All HTTP 400.
    /// </summary>
    public static IncomingMessage Parse(ReadOnlySpan<byte> body, int maxDepth)
    {
        // Refused rather than decoded with replacement characters: the gateway relays what the client sent or nothing.
        var offset = JsonTextCheck.InvalidUtf8Offset(body);
        if (offset >= 0)
        {
            throw new McpException(McpErrorCodes.ParseError,
                $"Parse error: the body is not valid UTF-8 at byte {offset}; MCP messages are JSON in UTF-8", httpStatus: 400);
        }

        // System.Text.Json parses what it cannot write again (escaped lone surrogates); such a message is refused
        // here, once, so no path (tools, HTTP tools, resources, prompts, stateless or not) relays it.
        if (JsonTextCheck.Scan(body, maxDepth) is { } problem)
        {
            throw Refusal(problem, body, maxDepth);
        }

        JsonNode? node;
        try
        {
            // Duplicate members are refused: which of two ids or methods is meant cannot be told.
            node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            // The text is valid JSON (the scan read it all), so this is a duplicate member.
            throw JsonTextCheck.Locate(body, maxDepth) is { } duplicate ? Refusal(duplicate, body, maxDepth) : ParseError(ex.Message, maxDepth);
        }

        if (node is JsonArray)
        {
            throw Invalid("JSON-RPC batches are not supported; send each message in its own POST");
        }

        if (node is not JsonObject message)
        {
            throw Invalid("the body must be one JSON-RPC message object");
        }

        if (message["jsonrpc"] is not JsonValue version || !version.TryGetValue<string>(out var v) || v != "2.0")
        {
            throw Invalid("\"jsonrpc\" must be \"2.0\"");
        }

        var hasId = message.TryGetPropertyValue("id", out var id);
        if (hasId && !IsValidId(id))
        {
            throw Invalid("\"id\" must be a string or an integer");
        }

        if (message.TryGetPropertyValue("method", out var methodNode))
        {
            if (methodNode is not JsonValue methodValue || !methodValue.TryGetValue<string>(out var method) || method.Length == 0)
            {
                throw Invalid("\"method\" must be a non-empty string", hasId ? id : null);
            }

            message.TryGetPropertyValue("params", out var parameters);
            if (parameters is not null and not JsonObject and not JsonArray)
            {
                throw Invalid("\"params\" must be an object", hasId ? id : null);
            }

            if (McpParamsShape.Problem(method, parameters) is { } shapeProblem)
            {
                throw InvalidParams(shapeProblem, hasId ? id : null);
            }

            return new IncomingMessage(hasId ? IncomingMessageKind.Request : IncomingMessageKind.Notification, id, method, parameters, message);
        }

        if (hasId && (message.ContainsKey("result") || message.ContainsKey("error")))
        {
            return new IncomingMessage(IncomingMessageKind.Response, id, null, null, message);
        }

        throw Invalid("a message needs \"method\" (request or notification) or \"id\" with \"result\"/\"error\" (response)");
    }

    private static bool IsValidId(JsonNode? id) =>
        id is JsonValue value && (value.GetValueKind() == JsonValueKind.String || (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out _)));

    private static McpException Invalid(string detail, JsonNode? id = null) =>
        new(McpErrorCodes.InvalidRequest, "Invalid Request: " + detail, IdData(id), 400);

    private static McpException InvalidParams(string detail, JsonNode? id) =>
        new(McpErrorCodes.InvalidParams, "Invalid params: " + detail, IdData(id), 400);

    private static JsonObject? IdData(JsonNode? id) => id is null ? null : new JsonObject { ["id"] = id.DeepClone() };

    private static McpException ParseError(string readerMessage, int maxDepth)
    {
        var detail = readerMessage.Contains("depth", StringComparison.OrdinalIgnoreCase)
            ? $"the message is nested deeper than {maxDepth} levels (mcp-router.yml maxJsonDepth)"
            : $"the body is not valid JSON ({FirstSentence(readerMessage)})";
        return new McpException(McpErrorCodes.ParseError, "Parse error: " + detail, httpStatus: 400);
    }

    /// <summary>The refusal of a message whose text is wrong: -32602 naming the place inside params, else -32700/-32600.</summary>
    private static McpException Refusal(JsonTextProblem found, ReadOnlySpan<byte> body, int maxDepth)
    {
        if (found.Kind == JsonTextProblemKind.Syntax)
        {
            return ParseError(found.Detail, maxDepth);
        }

        var problem = JsonTextCheck.Locate(body, maxDepth) ?? found;
        var where = problem.Location.Length == 0 ? "the message" : problem.Location;
        var inParams = problem.Location == "params" || problem.Location.StartsWith("params.", StringComparison.Ordinal)
            || problem.Location.StartsWith("params[", StringComparison.Ordinal) || problem.Location.StartsWith("params ", StringComparison.Ordinal);
        if (inParams)
        {
            return InvalidParams($"{where} {problem.Detail}", ReadableId(body, maxDepth));
        }

        return problem.Kind == JsonTextProblemKind.LoneSurrogate
            ? new McpException(McpErrorCodes.ParseError, $"Parse error: {where} {problem.Detail}", httpStatus: 400)
            : Invalid($"{where} {problem.Detail}");
    }

    /// <summary>The id of a message refused for something inside params, when the id itself can be written back.</summary>
    private static JsonNode? ReadableId(ReadOnlySpan<byte> body, int maxDepth)
    {
        try
        {
            var id = (JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth }) as JsonObject)?["id"];
            return id is JsonValue value && IsValidId(value)
                ? value.GetValueKind() == JsonValueKind.String ? JsonValue.Create(value.GetValue<string>()) : JsonValue.Create(value.GetValue<long>())
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // A duplicate member at the top level or an unwritable id: answered without an id.
            return null;
        }
    }

    private static string FirstSentence(string text)
    {
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
