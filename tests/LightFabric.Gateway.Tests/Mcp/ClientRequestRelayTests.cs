using System.Text.Json;
using LightFabric.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LightFabric.Gateway.Tests.Mcp;

// Sampling is deprecated from the 2026-07-28 revision on; the revisions the gateway relays still have it.
#pragma warning disable MCP9005

/// <summary>Sampling and elicitation requests of upstreams reach the calling client through the gateway and come back.</summary>
public sealed class ClientRequestRelayTests
{
    /// <param name="stateless">
    /// With the 2026-07-28 revision enabled the C# client goes stateless, and the gateway bridges the upstream's
    /// questions as multi round-trip (input_required) results.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sampling_and_elicitation_reach_the_calling_client_and_the_answers_go_back(bool stateless)
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.protocols.stateless.enabled: {(stateless ? "true" : "false")}
            mcp-router.servers:
              - name: local
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio]
              - name: remote
                transport: http
                url: "{remote.McpUrl}"
            """));
        await using var _ = runtime;
        using var __ = client;

        var sampled = new List<string>();
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, progress, cancellationToken) =>
                {
                    lock (sampled)
                    {
                        sampled.Add(JsonSerializer.Serialize(request));
                    }

                    return ValueTask.FromResult(new CreateMessageResult
                    {
                        Model = "test-model",
                        Role = Role.Assistant,
                        Content = [new TextContentBlock { Text = "sampled by the test client" }],
                    });
                },
                ElicitationHandler = (request, cancellationToken) => ValueTask.FromResult(new ElicitResult
                {
                    Action = "decline",
                }),
            },
        };
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(client.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        await using var mcp = await McpClient.CreateAsync(transport, options);
        Assert.Equal(stateless ? "2026-07-28" : "2025-11-25", mcp.NegotiatedProtocolVersion);
        Assert.Equal(stateless, mcp.SessionId is null);

        foreach (var tool in new[] { "remote_trigger-sampling-request", "local_trigger-sampling-request" })
        {
            var result = await mcp.CallToolAsync(tool, new Dictionary<string, object?> { ["prompt"] = "say hi", ["maxTokens"] = 20 });
            Assert.True(result.IsError != true, JsonSerializer.Serialize(result));
            Assert.Contains("sampled by the test client", JsonSerializer.Serialize(result));
        }

        Assert.Equal(2, sampled.Count);
        Assert.All(sampled, s => Assert.Contains("say hi", s));

        var elicited = await mcp.CallToolAsync("remote_trigger-elicitation-request", new Dictionary<string, object?>());
        Assert.Contains("decline", JsonSerializer.Serialize(elicited));
    }

    [Fact]
    public async Task A_client_without_sampling_gets_the_upstream_an_error_not_a_hang()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.servers:
              - {"{"}name: remote, transport: http, url: "{remote.McpUrl}", timeoutMs: 20000{"}"}
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var reply = await wire.RequestAsync("tools/call", new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "trigger-sampling-request",
            ["arguments"] = new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x", ["maxTokens"] = 5 },
        });

        Assert.True(reply.ErrorCode is not null || reply.Result?["isError"]?.GetValue<bool>() == true, reply.Raw);
        Assert.Contains("did not declare the sampling capability", reply.Raw);
    }
}
