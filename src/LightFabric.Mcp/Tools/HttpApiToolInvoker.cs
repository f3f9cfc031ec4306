using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Tools;

/// <summary>
/// Calls an HTTP API configured as a tool: <c>{param}</c> placeholders in the path are filled from the
/// arguments, the rest go in the query (GET, HEAD, DELETE, OPTIONS) or a JSON body (POST, PUT, PATCH). The
/// answer becomes an MCP tool result; a non-2xx status is a -32000 error that does not leak the body.
/// </summary>
public sealed class HttpApiToolInvoker(HttpClient client, TimeSpan timeout, int maxResponseBytes)
{
    public async Task<JsonNode> InvokeAsync(ConfiguredTool tool, JsonObject arguments, IRequestHeaders callerHeaders, CancellationToken cancellationToken)
    {
        var remaining = (JsonObject)arguments.DeepClone();
        var path = FillPath(tool, remaining);
        var url = Combine(tool.TargetHost, path);
        var method = new HttpMethod(tool.Method);
        var sendsBody = tool.Method is "POST" or "PUT" or "PATCH";
        if (!sendsBody && remaining.Count > 0)
        {
            url += (url.Contains('?') ? "&" : "?") + QueryString(remaining);
        }

        using var request = new HttpRequestMessage(method, url);
        ToolRequestHeaders.Copy(callerHeaders, request);
        if (sendsBody)
        {
            request.Content = new StringContent(remaining.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}' timed out after {timeout.TotalSeconds:0.###} s waiting for {tool.TargetHost}")
            {
                TimedOut = true,
            };
        }
        catch (HttpRequestException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}' could not reach {tool.TargetHost}: {ex.Message}")
            {
                NotDelivered = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
            };
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}' returned HTTP {status}",
                    new JsonObject { ["status"] = status });
            }

            var body = await ReadLimitedAsync(tool, response, deadline.Token).ConfigureAwait(false);
            return ToolResult(body, response.Content.Headers.ContentType);
        }
    }

    private static string FillPath(ConfiguredTool tool, JsonObject remaining)
    {
        var path = tool.Path;
        var start = path.IndexOf('{');
        if (start < 0)
        {
            return path;
        }

        var result = new StringBuilder(path.Length + 16);
        var position = 0;
        while (start >= 0)
        {
            var end = path.IndexOf('}', start);
            if (end < 0)
            {
                break;
            }

            var name = path[(start + 1)..end];
            if (!remaining.TryGetPropertyValue(name, out var value) || value is null)
            {
                throw new McpException(McpErrorCodes.InvalidParams, $"tool '{tool.Name}' needs argument '{name}' (used in its path {tool.Path})");
            }

            remaining.Remove(name);
            result.Append(path, position, start - position).Append(Uri.EscapeDataString(Text(value)));
            position = end + 1;
            start = path.IndexOf('{', position);
        }

        return result.Append(path, position, path.Length - position).ToString();
    }

    private static string Combine(Uri baseUri, string path)
    {
        var root = baseUri.ToString().TrimEnd('/');
        return path.StartsWith('/') ? root + path : root + "/" + path;
    }

    private static string QueryString(JsonObject arguments)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in arguments)
        {
            if (value is JsonArray array)
            {
                foreach (var item in array)
                {
                    Append(query, name, item is null ? "" : Text(item));
                }
            }
            else
            {
                Append(query, name, value is null ? "" : Text(value));
            }
        }

        return query.ToString();

        static void Append(StringBuilder query, string name, string value)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    /// <summary>Strings as they are; numbers and booleans as JSON literals; objects as JSON text.</summary>
    private static string Text(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();

    private async Task<byte[]> ReadLimitedAsync(ConfiguredTool tool, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxResponseBytes)
        {
            throw TooLarge(tool);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxResponseBytes)
            {
                throw TooLarge(tool);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private McpException TooLarge(ConfiguredTool tool) =>
        new(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}' answered with more than {maxResponseBytes} bytes (mcp-router.yml maxResponseBodyBytes)");

    /// <summary>JSON → text plus structuredContent (arrays wrapped as {items}); other bodies → text; empty → "success".</summary>
    public static JsonObject ToolResult(byte[] body, MediaTypeHeaderValue? contentType)
    {
        if (body.Length == 0)
        {
            return TextResult("success");
        }

        var media = contentType?.MediaType ?? "";
        var isJson = media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (isJson)
        {
            try
            {
                var node = JsonNode.Parse(body);
                var structured = node as JsonObject ?? new JsonObject { ["items"] = node };
                var result = TextResult(node?.ToJsonString() ?? "null");
                result["structuredContent"] = structured;
                return result;
            }
            catch (JsonException)
            {
                // Labelled JSON but is not: pass it on as text.
            }
        }

        var charset = contentType?.CharSet;
        var encoding = charset is null ? Encoding.UTF8 : EncodingFor(charset);
        return TextResult(encoding.GetString(body));
    }

    private static Encoding EncodingFor(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private static JsonObject TextResult(string text) =>
        new() { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }) };
}
