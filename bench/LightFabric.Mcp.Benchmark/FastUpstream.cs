using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Benchmark;

/// <summary>
/// A minimal, cheap MCP Streamable HTTP server with two tools: <c>echo</c>, and <c>accounts</c>, which answers five
/// fixed rows as <c>structuredContent</c> (<c>{"items":[{id,name,balance,owner},…]}</c>) with the same JSON mirrored
/// as text, so response filters have rows and columns to work on. Answers every request with
/// <c>application/json</c>; no SSE, no logging, no session bookkeeping beyond handing out ids.
/// </summary>
internal sealed class FastUpstream : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>The rows <c>accounts</c> returns: owners alice, bob, alice, carol, alice.</summary>
    public const string AccountsJson =
        """{"items":[{"id":1,"name":"Checking","balance":1200.5,"owner":"alice"},{"id":2,"name":"Savings","balance":5300,"owner":"bob"},{"id":3,"name":"Travel","balance":80.25,"owner":"alice"},{"id":4,"name":"Payroll","balance":99000,"owner":"carol"},{"id":5,"name":"Rainy day","balance":640,"owner":"alice"}]}""";

    // The whole result is fixed, so it is serialized once rather than per call.
    private static readonly byte[] AccountsResult = BuildAccountsResult();
    private readonly WebApplication _app;

    private FastUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The MCP endpoint, e.g. http://127.0.0.1:41234/mcp.</summary>
    public string Url { get; }

    public static async Task<FastUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/mcp", HandlePostAsync);
        app.MapDelete("/mcp", () => Results.Ok());
        app.MapGet("/mcp", () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FastUpstream(app, address.TrimEnd('/') + "/mcp");
    }

    private static async Task HandlePostAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync().ConfigureAwait(false);
            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var buffer = read.Buffer;
        var response = context.Response;
        try
        {
            using var document = JsonDocument.Parse(buffer);
            var root = document.RootElement;
            var method = root.TryGetProperty("method", out var m) ? m.GetString() : null;
            if (!root.TryGetProperty("id", out var id))
            {
                response.StatusCode = StatusCodes.Status202Accepted;
                return;
            }

            var @params = root.TryGetProperty("params", out var p) ? p : default;
            response.ContentType = "application/json";
            if (method == "initialize")
            {
                response.Headers["Mcp-Session-Id"] = Guid.NewGuid().ToString("N");
            }

            var output = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(output, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc", "2.0");
                writer.WritePropertyName("id");
                id.WriteTo(writer);
                switch (method)
                {
                    case "initialize":
                        writer.WriteStartObject("result");
                        writer.WriteString("protocolVersion",
                            @params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("protocolVersion", out var version)
                                ? version.GetString() : "2025-06-18");
                        writer.WriteStartObject("capabilities");
                        writer.WriteStartObject("tools");
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        writer.WriteStartObject("serverInfo");
                        writer.WriteString("name", "fast-upstream");
                        writer.WriteString("version", "1.0.0");
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        break;
                    case "tools/list":
                        writer.WriteStartObject("result");
                        writer.WriteStartArray("tools");
                        writer.WriteStartObject();
                        writer.WriteString("name", "echo");
                        writer.WriteString("description", "Returns its text argument.");
                        writer.WriteStartObject("inputSchema");
                        writer.WriteString("type", "object");
                        writer.WriteStartObject("properties");
                        writer.WriteStartObject("text");
                        writer.WriteString("type", "string");
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        writer.WriteStartObject();
                        writer.WriteString("name", "accounts");
                        writer.WriteString("description", "Lists five accounts.");
                        writer.WriteStartObject("inputSchema");
                        writer.WriteString("type", "object");
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        writer.WriteEndArray();
                        writer.WriteEndObject();
                        break;
                    case "tools/call" when @params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("name", out var name)
                        && name.ValueEquals("accounts"u8):
                        writer.WritePropertyName("result");
                        writer.WriteRawValue(AccountsResult, skipInputValidation: true);
                        break;
                    case "tools/call":
                        var text = @params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("arguments", out var arguments)
                            && arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("text", out var t) ? t.GetString() : "";
                        writer.WriteStartObject("result");
                        writer.WriteStartArray("content");
                        writer.WriteStartObject();
                        writer.WriteString("type", "text");
                        writer.WriteString("text", text);
                        writer.WriteEndObject();
                        writer.WriteEndArray();
                        writer.WriteEndObject();
                        break;
                    case "ping":
                        writer.WriteStartObject("result");
                        writer.WriteEndObject();
                        break;
                    default:
                        writer.WriteStartObject("error");
                        writer.WriteNumber("code", -32601);
                        writer.WriteString("message", "Method not found");
                        writer.WriteEndObject();
                        break;
                }

                writer.WriteEndObject();
            }

            response.ContentLength = output.WrittenCount;
            await response.Body.WriteAsync(output.WrittenMemory).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
        }
        finally
        {
            reader.AdvanceTo(buffer.End);
        }
    }

    private static byte[] BuildAccountsResult()
    {
        var output = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("content");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", AccountsJson);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WritePropertyName("structuredContent");
            writer.WriteRawValue(AccountsJson);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
