using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace LightFabric.Mcp.Tools;

/// <summary>
/// Calls a configured <c>apiType: mcp</c> tool. The first call of a gateway session to a backend opens a
/// backend MCP session (initialize, then notifications/initialized) that belongs to the gateway session:
/// the backend's Mcp-Session-Id stays on this side and the gateway's own id is never sent to the backend.
/// Ending the gateway session ends the backend session.
/// </summary>
public sealed class McpBackendToolInvoker(HttpClient httpClient, ILogger logger, TimeSpan timeout)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public async Task<JsonNode?> InvokeAsync(ConfiguredTool tool, JsonObject arguments, McpSession session, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(tool.TargetHost.ToString().TrimEnd('/') + (tool.Path.StartsWith('/') ? tool.Path : "/" + tool.Path));
        var key = "backend:" + endpoint;
        var backendName = tool.ServiceId ?? endpoint.Authority;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        UpstreamConnection connection;
        try
        {
            connection = await session.GetOrCreateResourceAsync(key, () => ConnectAsync(endpoint, backendName, session.ProtocolVersion, deadline.Token))
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}': MCP backend {endpoint} did not complete initialize within {timeout.TotalSeconds:0.###} s")
            {
                NotDelivered = true,
            };
        }
        catch (Exception ex) when (ex is UpstreamUnavailableException or UpstreamErrorException or HttpRequestException or InvalidOperationException)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}': cannot open a session with MCP backend {endpoint}: {ex.Message}")
            {
                NotDelivered = true,
            };
        }

        var call = new JsonObject { ["name"] = tool.EndpointName ?? tool.Name, ["arguments"] = arguments.DeepClone() };
        try
        {
            return await connection.RequestAsync(McpMethods.ToolsCall, call, deadline.Token).ConfigureAwait(false);
        }
        catch (UpstreamErrorException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}': {ex.Message}",
                new JsonObject { ["upstreamCode"] = ex.Code });
        }
        catch (UpstreamUnavailableException ex)
        {
            // The backend session is gone (backend restarted or expired it): the next call opens a new one.
            await session.DiscardResourceAsync(key).ConfigureAwait(false);
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}': {ex.Message}") { NotDelivered = ex.NotSent };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"tool '{tool.Name}' timed out after {timeout.TotalSeconds:0.###} s waiting for {endpoint}")
            {
                TimedOut = true,
            };
        }
    }

    private async Task<UpstreamConnection> ConnectAsync(Uri endpoint, string name, string protocolVersion, CancellationToken cancellationToken)
    {
        var transport = new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp, Name = name, OwnsSession = true },
            httpClient,
            ownsHttpClient: false);
        logger.LogDebug("Opening backend MCP session with {Endpoint}", endpoint);
        var connection = await UpstreamConnection.ConnectAsync(transport, name, protocolVersion, logger, cancellationToken).ConfigureAwait(false);
        connection.DirectRequests = new StreamableHttpRequester(httpClient, endpoint, NoHeaders);
        return connection;
    }
}
