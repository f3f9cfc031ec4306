using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>HTTP APIs configured as tools, called through /mcp against a real Kestrel API.</summary>
public sealed class HttpApiToolTests
{
    private static string Tools(string baseUrl) => $$"""
        mcp-router.httpToolTimeoutMs: 3000
        mcp-router.tools:
          - {name: weather, description: Weather by city, targetHost: "{{baseUrl}}", path: /weather, method: GET,
             inputSchema: {type: object, properties: {city: {type: string, x-sensitive: true} } }, toolMetadata: {safety: {read_only: true} } }
          - {name: items, targetHost: "{{baseUrl}}", path: /items, method: GET}
          - {name: create_order, targetHost: "{{baseUrl}}", path: "/orders/{id}", method: POST}
          - {name: text, targetHost: "{{baseUrl}}", path: /text, method: GET}
          - {name: empty, targetHost: "{{baseUrl}}", path: /empty, method: GET}
          - {name: failing, targetHost: "{{baseUrl}}", path: /fail, method: GET}
          - {name: slow, targetHost: "{{baseUrl}}", path: /slow, method: GET}
          - {name: unreachable, targetHost: "http://127.0.0.1:9", path: /x, method: GET}
        """;

    [Fact]
    public async Task Tools_map_arguments_and_results_as_configured()
    {
        await using var gateway = await ApiToolGateway.StartAsync(Tools);
        var (api, client, wire) = (gateway.Api, gateway.Client, gateway.Wire);

        var list = await wire.RequestAsync("tools/list");
        var weatherTool = list.Result!["tools"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "weather")!;
        Assert.Equal("Weather by city", weatherTool["description"]!.GetValue<string>());
        Assert.DoesNotContain("x-sensitive", weatherTool["inputSchema"]!.ToJsonString());
        Assert.True(weatherTool["annotations"]!["readOnlyHint"]!.GetValue<bool>());

        var weather = await wire.CallToolAsync("weather", new JsonObject { ["city"] = "Paris & Nice" });
        Assert.Equal("GET", api.LastRequest!["method"]!.GetValue<string>());
        Assert.Equal("?city=Paris%20%26%20Nice", api.LastRequest!["query"]!.GetValue<string>());
        Assert.Equal("Paris & Nice", weather["structuredContent"]!["city"]!.GetValue<string>());
        Assert.Contains("\"temperature\":21", McpWire.FirstText(weather));

        var items = await wire.CallToolAsync("items");
        Assert.Equal(2, items["structuredContent"]!["items"]!.AsArray().Count);

        var order = await wire.CallToolAsync("create_order", new JsonObject { ["id"] = "A 1", ["quantity"] = 3 });
        Assert.Equal("/orders/A 1", api.LastRequest!["path"]!.GetValue<string>());
        Assert.Equal("""{"quantity":3}""", api.LastRequest!["body"]!.GetValue<string>());
        Assert.True(order["structuredContent"]!["accepted"]!.GetValue<bool>());

        Assert.Equal("plain words", McpWire.FirstText(await wire.CallToolAsync("text")));
        Assert.Equal("success", McpWire.FirstText(await wire.CallToolAsync("empty")));
    }

    [Fact]
    public async Task Failures_are_execution_errors_that_do_not_leak_the_backend_body()
    {
        await using var gateway = await ApiToolGateway.StartAsync(Tools);
        var (api, client, wire) = (gateway.Api, gateway.Client, gateway.Wire);

        var failing = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "failing" });
        Assert.Equal(HttpStatusCode.OK, failing.Status);
        Assert.Equal(-32000, failing.ErrorCode);
        Assert.Contains("HTTP 500", failing.ErrorMessage);
        Assert.DoesNotContain("secret-internal-detail", failing.Raw);

        var slow = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "slow" });
        Assert.Equal(-32000, slow.ErrorCode);
        Assert.Contains("timed out", slow.ErrorMessage);

        var unreachable = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "unreachable" });
        Assert.Equal(-32000, unreachable.ErrorCode);

        var missingPathArgument = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "create_order" });
        Assert.Equal(-32602, missingPathArgument.ErrorCode);
        Assert.Contains("'id'", missingPathArgument.ErrorMessage);

        // Other tools keep working.
        Assert.Equal("plain words", McpWire.FirstText(await wire.CallToolAsync("text")));
    }

    [Fact]
    public async Task Caller_headers_are_forwarded_except_credentials_hop_by_hop_and_mcp_headers()
    {
        await using var gateway = await ApiToolGateway.StartAsync(Tools);
        var (api, client, wire) = (gateway.Api, gateway.Client, gateway.Wire);

        var reply = await wire.SendAsync(
            """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"text","arguments":{}}}""",
            headers: new Dictionary<string, string>
            {
                ["Authorization"] = "Bearer caller-token",
                ["Cookie"] = "session=abc",
                ["X-Tenant-Id"] = "tenant-7",
                ["X-Correlation-Id"] = "corr-1",
                ["MCP-Protocol-Version"] = "2025-06-18",
                ["Connection"] = "X-Hop",
                ["X-Hop"] = "for-the-gateway-only",
            });
        Assert.Equal(HttpStatusCode.OK, reply.Status);

        var headers = api.LastRequest!["headers"]!.AsObject();
        Assert.Equal("tenant-7", headers["x-tenant-id"]!.GetValue<string>());
        Assert.Equal("corr-1", headers["x-correlation-id"]!.GetValue<string>());
        Assert.False(headers.ContainsKey("authorization"));
        Assert.False(headers.ContainsKey("cookie"));
        Assert.False(headers.ContainsKey("mcp-session-id"));
        Assert.False(headers.ContainsKey("mcp-protocol-version"));
        Assert.False(headers.ContainsKey("x-hop"));
    }

    [Fact]
    public async Task Invalid_tool_configuration_is_reported_with_keys()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", McpGatewayConfig.With("""
            mcp-router.tools:
              - {name: a, path: /x, method: GET}
              - {name: a, targetHost: "http://h", path: /x, method: FETCH}
              - {name: "bad name!", targetHost: "http://h", path: /x}
            mcp-router.servers:
              - {name: s1, transport: carrier-pigeon}
              - {name: s2, transport: stdio}
              - {name: s3, transport: http, url: "not a url"}
            mcp-router.prefixMode: sometimes
            """));

        var error = await GatewayTestHost.BuildFailsAsync(dir);
        var text = string.Join("\n", error.Problems.Select(p => p.ToString()));

        Assert.Contains("tools[0].targetHost", text);
        Assert.Contains("tools[1].method", text);
        Assert.Contains("tools[2].name", text);
        Assert.Contains("servers[0].transport", text);
        Assert.Contains("servers[1].command", text);
        Assert.Contains("servers[2].url", text);
        Assert.Contains("prefixMode", text);
        Assert.Contains("mcp-router.yml", text);
    }

    [Fact]
    public async Task Masked_arguments_never_reach_the_backend()
    {
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($$"""
            mcp-router.tools:
              - name: pay
                targetHost: "{{api.BaseUrl}}"
                path: "/orders/{id}"
                method: POST
                inputSchema:
                  type: object
                  properties:
                    id: {type: string}
                    card: {type: string, x-mask: true}
                    note: {type: string, x-mask-pattern: "[0-9]{4}"}
                    payer: {$ref: "#/$defs/person"}
                    items: {type: array, items: {type: object, properties: {secret: {x-mask: true} } } }
                  $defs:
                    person: {type: object, properties: {ssn: {type: string, x-mask: true}, name: {type: string} } }
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var published = (await wire.RequestAsync("tools/list")).Raw;
        Assert.DoesNotContain("x-mask", published);

        await wire.CallToolAsync("pay", new JsonObject
        {
            ["id"] = "A1",
            ["card"] = "4111111111111111",
            ["note"] = "pin 1234 ok",
            ["payer"] = new JsonObject { ["ssn"] = "123-45-6789", ["name"] = "Ann" },
            ["items"] = new JsonArray(new JsonObject { ["secret"] = "s1" }, new JsonObject { ["secret"] = "s2" }),
        });

        var body = JsonNode.Parse(api.LastRequest!["body"]!.GetValue<string>())!;
        Assert.Equal("******", body["card"]!.GetValue<string>());
        Assert.Equal("pin ****** ok", body["note"]!.GetValue<string>());
        Assert.Equal("******", body["payer"]!["ssn"]!.GetValue<string>());
        Assert.Equal("Ann", body["payer"]!["name"]!.GetValue<string>());
        Assert.All(body["items"]!.AsArray(), i => Assert.Equal("******", i!["secret"]!.GetValue<string>()));
        Assert.DoesNotContain("4111", api.LastRequest!.ToJsonString());
    }
}
