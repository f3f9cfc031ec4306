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
        await using var gateway = await ApiToolGateway.StartAsync(Tools);
        var (api, client, wire) = (gateway.Api, gateway.Client, gateway.Wire);

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
        await using var gateway = await ApiToolGateway.StartAsync(Tools);
        var (api, client, wire) = (gateway.Api, gateway.Client, gateway.Wire);

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
    public async Task Schema_bounds_come_from_mcp_router_yml_and_a_costly_check_fails_clearly()
    {
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($$$"""
            mcp-router.schemaValidation.maxSteps: 100
            mcp-router.tools:
              - name: bulk
                targetHost: "{{{api.BaseUrl}}}"
                path: "/orders/{id}"
                method: POST
                inputSchema:
                  type: object
                  allOf: [{properties: {id: {type: string}}, required: [id]}]
                  properties: {lines: {type: array, items: {type: string} } }
                  unevaluatedProperties: false
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var small = await wire.CallToolAsync("bulk", new JsonObject { ["id"] = "B1", ["lines"] = new JsonArray("a", "b", "c") });
        Assert.Null(small["isError"]);
        Assert.Equal("""{"lines":["a","b","c"]}""", api.LastRequest!["body"]!.GetValue<string>());

        var extra = await wire.CallToolAsync("bulk", new JsonObject { ["id"] = "B2", ["note"] = "x" });
        Assert.True(extra["isError"]!.GetValue<bool>());
        Assert.Contains("/note: property 'note' is not allowed (unevaluatedProperties)", McpWire.FirstText(extra), StringComparison.Ordinal);

        // Valid, but checking 500 lines needs more than the configured 100 steps: refused, and the text says why.
        var lines = new JsonArray(Enumerable.Range(0, 500).Select(i => (JsonNode?)JsonValue.Create($"line {i}")).ToArray());
        var heavy = await wire.CallToolAsync("bulk", new JsonObject { ["id"] = "B3", ["lines"] = lines });
        Assert.True(heavy["isError"]!.GetValue<bool>());
        var text = McpWire.FirstText(heavy);
        Assert.StartsWith("Invalid arguments for tool 'bulk':", text, StringComparison.Ordinal);
        Assert.Contains("validation needed more than 100 steps", text, StringComparison.Ordinal);
        Assert.Contains("(maxSteps)", text, StringComparison.Ordinal);
        Assert.Equal("/orders/B1", api.LastRequest!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_schema_validation_bounds_are_configuration_problems_naming_the_key()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", McpGatewayConfig.With("""
            mcp-router.schemaValidation.maxSteps: 0
            mcp-router.schemaValidation.maxSchemaDepth: 100000
            mcp-router.schemaValidation.maxValueDepth: deep
            mcp-router.schemaValidation.maxSchemaBytes: 1024
            mcp-router.tools:
              - {name: wordy, targetHost: "http://127.0.0.1:9", path: /x, method: POST,
                 inputSchema: {type: object, description: "%%DESCRIPTION%%"} }
            """.Replace("%%DESCRIPTION%%", new string('x', 2_000), StringComparison.Ordinal)));

        var problems = (await GatewayTestHost.BuildFailsAsync(dir)).Problems;
        var text = string.Join("\n", problems.Select(p => p.ToString()));

        Assert.Contains(problems, p => (p.Key ?? "").EndsWith("schemaValidation.maxSteps", StringComparison.Ordinal)
            && p.Message.Contains("0 is below the minimum 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => (p.Key ?? "").EndsWith("schemaValidation.maxSchemaDepth", StringComparison.Ordinal)
            && p.Message.Contains("100000 is above the maximum 256", StringComparison.Ordinal));
        Assert.Contains(problems, p => (p.Key ?? "").EndsWith("schemaValidation.maxValueDepth", StringComparison.Ordinal)
            && p.Message.Contains("expected a whole number, got 'deep'", StringComparison.Ordinal));
        Assert.Contains(problems, p => (p.Key ?? "").EndsWith("tools[0].inputSchema", StringComparison.Ordinal)
            && p.Message.Contains("at most 1024 are accepted", StringComparison.Ordinal));
        Assert.Contains("mcp-router.yml", text, StringComparison.Ordinal);
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
