using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>Configured tools' inputSchema and outputSchema enforced by the gateway, against a real Kestrel API.</summary>
public sealed class SchemaValidationTests
{
    private static string Tools(string baseUrl) => $$$"""
        mcp-router.tools:
          - name: order
            targetHost: "{{{baseUrl}}}"
            path: "/orders/{id}"
            method: POST
            inputSchema:
              type: object
              $defs: {quantity: {type: integer, minimum: 1}}
              properties: {id: {type: string, minLength: 1}, quantity: {$ref: "#/$defs/quantity"}}
              required: [id, quantity]
              additionalProperties: false
            outputSchema: {type: object, properties: {id: {type: string}, accepted: {type: boolean}}, required: [id, accepted]}
          - {name: forecast, targetHost: "{{{baseUrl}}}", path: /weather, method: GET,
             outputSchema: {type: object, required: [forecast]} }
          - {name: words, targetHost: "{{{baseUrl}}}", path: /text, method: GET, outputSchema: {type: object} }
        """;

    [Fact]
    public async Task Invalid_arguments_are_a_tool_error_and_never_reach_the_backend()
    {
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Tools(api.BaseUrl)));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var invalid = await wire.CallToolAsync("order", new JsonObject { ["id"] = "A1", ["quantity"] = 0, ["note"] = "x" });
        Assert.True(invalid["isError"]!.GetValue<bool>());
        var text = McpWire.FirstText(invalid);
        Assert.StartsWith("Invalid arguments for tool 'order':", text, StringComparison.Ordinal);
        Assert.Contains("/quantity: must be >= 1 (minimum)", text, StringComparison.Ordinal);
        Assert.Contains("/note: property 'note' is not allowed (additionalProperties)", text, StringComparison.Ordinal);
        Assert.Null(api.LastRequest);

        var missing = await wire.CallToolAsync("order", new JsonObject { ["quantity"] = 2 });
        Assert.True(missing["isError"]!.GetValue<bool>());
        Assert.Contains("/: missing required property 'id' (required)", McpWire.FirstText(missing), StringComparison.Ordinal);
        Assert.Null(api.LastRequest);

        var valid = await wire.CallToolAsync("order", new JsonObject { ["id"] = "A1", ["quantity"] = 2 });
        Assert.Null(valid["isError"]);
        Assert.Equal("/orders/A1", api.LastRequest!["path"]!.GetValue<string>());
        Assert.Equal("""{"quantity":2}""", api.LastRequest!["body"]!.GetValue<string>());
        Assert.True(valid["structuredContent"]!["accepted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Results_that_break_the_output_schema_are_tool_errors()
    {
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Tools(api.BaseUrl)));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var mismatch = await wire.CallToolAsync("forecast", new JsonObject { ["city"] = "Oslo" });
        Assert.Equal("/weather", api.LastRequest!["path"]!.GetValue<string>());
        Assert.True(mismatch["isError"]!.GetValue<bool>());
        Assert.Null(mismatch["structuredContent"]);
        var text = McpWire.FirstText(mismatch);
        Assert.StartsWith("Output does not match the tool's outputSchema:", text, StringComparison.Ordinal);
        Assert.Contains("missing required property 'forecast'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Oslo", text, StringComparison.Ordinal);

        var unstructured = await wire.CallToolAsync("words");
        Assert.True(unstructured["isError"]!.GetValue<bool>());
        Assert.Contains("no structuredContent", McpWire.FirstText(unstructured), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schema_that_does_not_compile_is_a_configuration_error()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", McpGatewayConfig.With("""
            mcp-router.tools:
              - {name: remote, targetHost: "http://127.0.0.1:9", path: /x, method: POST,
                 inputSchema: {type: object, properties: {a: {$ref: "https://example.com/a.json"}}} }
              - {name: typo, targetHost: "http://127.0.0.1:9", path: /y, method: GET,
                 outputSchema: {type: obj} }
            """));

        var problems = (await GatewayTestHost.BuildFailsAsync(dir)).Problems;

        Assert.Contains(problems, p => (p.Key ?? "").EndsWith("tools[0].inputSchema", StringComparison.Ordinal)
            && p.Message.Contains("external reference", StringComparison.Ordinal));
        Assert.Contains(problems, p => (p.Key ?? "").EndsWith("tools[1].outputSchema", StringComparison.Ordinal)
            && p.Message.Contains("'obj' is not a JSON Schema type", StringComparison.Ordinal));
    }
}
