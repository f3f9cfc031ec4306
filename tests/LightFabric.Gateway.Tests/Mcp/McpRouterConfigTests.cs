using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Handlers.Mcp.Config;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Routing;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>The forms mcp-router.yml is written in, bound to one record, and the problems its validators report.</summary>
public sealed class McpRouterConfigTests
{
    private static (McpRouterSettings Settings, List<string> Problems) Read(string yaml)
    {
        var problems = new List<string>();
        var values = (JsonObject)ConfigYaml.Parse(yaml, "mcp-router.yml")!;
        var settings = new McpRouterConfigReader((key, message) => problems.Add($"{key}: {message}")).Read(values);
        return (settings, problems);
    }

    [Fact]
    public void Tools_written_by_config_server_as_JSON_text_with_snake_case_keys_are_read()
    {
        var (settings, problems) = Read("""
            tools: '[{"name": "weather", "api_type": "http", "target_host": "http://127.0.0.1:9", "path": "/w", "method": "CALL",
                      "input_schema": "{\"type\": \"object\", \"required\": [\"city\"]}", "endpoint_name": "Weather", "env_tag": "dev"}]'
            """);

        Assert.Empty(problems);
        var tool = Assert.Single(settings.Tools);
        Assert.Equal(("weather", ConfiguredToolKind.Http, "http://127.0.0.1:9/", "POST"), (tool.Name, tool.Kind, tool.TargetHost.ToString(), tool.Method));
        Assert.Equal("city", tool.InputSchema["required"]![0]!.GetValue<string>());
        Assert.Equal(("Weather", "dev", "/w@post"), (tool.EndpointName, tool.EnvTag, tool.Endpoint));
    }

    [Fact]
    public void SatGate_upstreams_map_names_its_servers_and_problems_name_the_map_key()
    {
        var (settings, problems) = Read("""
            upstreams:
              github: {transport: stdio, command: ["npx", "-y", "@modelcontextprotocol/server-github"], env: {GITHUB_TOKEN: "t", RETRIES: 3}}
              search: {transport: http}
            servers:
              - {name: local, transport: http, url: "http://127.0.0.1:9/mcp"}
            """);

        Assert.Equal(["local", "github"], settings.Servers.Select(s => s.Settings.Name));
        var github = settings.Servers[1].Settings;
        Assert.Equal(UpstreamTransportKind.Stdio, github.Transport);
        Assert.Equal(["npx", "-y", "@modelcontextprotocol/server-github"], github.Command);
        Assert.Equal("3", github.Environment["RETRIES"]);
        Assert.Equal(["upstreams.search.url: is required for http"], problems);
    }

    [Fact]
    public void A_value_that_does_not_bind_is_reported_alone_and_the_rest_of_its_entry_is_still_checked()
    {
        var (settings, problems) = Read("""
            maxSessions: many
            servers:
              - {name: a, transport: stdio, command: [node], timeoutMs: soon}
              - {name: b, transport: carrier-pigeon}
              - just-a-name
              - {name: c, transport: http, url: "http://127.0.0.1:9/mcp", healthCheckMisses: 0}
            tools:
              - {name: "bad name", targetHost: "http://127.0.0.1:9", path: /x, method: GET, toolMetadata: [1]}
            """);

        Assert.Equal(
            [
                "maxSessions: expected a whole number, got 'many'",
                "servers[0].timeoutMs: expected a whole number, got 'soon'",
                "servers[2]: expected a map of settings, got 'just-a-name'",
                "tools[0].name: 'bad name' is not a valid MCP tool name (1-128 of A-Z a-z 0-9 _ - .)",
                "tools[0].toolMetadata: must be a map (or a JSON object string)",
                "servers[1].transport: 'carrier-pigeon' is not a transport; use stdio, sse or http",
                "servers[3].healthCheckMisses: 0 is below the minimum 1",
            ],
            problems);

        // The entry whose timeout did not bind keeps its other values and the default timeout.
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Servers.Single(s => s.Settings.Name == "a").Settings.RequestTimeout);
        Assert.Equal(new McpRouterSettings().MaxSessions, settings.MaxSessions);
    }

    [Fact]
    public void Settings_blocks_may_be_JSON_text_or_left_empty_by_a_placeholder()
    {
        var (empty, none) = Read("schemaValidation: ''\nprotocols: ''\nservers: ''\ntools: ''");
        Assert.Empty(none);
        Assert.True(empty.StatelessEnabled);
        Assert.Equal(LightFabric.JsonSchema.JsonSchemaOptions.Default, empty.SchemaValidation);

        var (text, problems) = Read("""
            schemaValidation: '{"maxSteps": 500, "maxErrors": 1000}'
            protocols: '{"stateless": {"enabled": false}}'
            """);
        Assert.Equal(["schemaValidation.maxErrors: 1000 is above the maximum 100"], problems);
        Assert.Equal(500, text.SchemaValidation.MaxSteps);
        Assert.False(text.StatelessEnabled);
    }

    [Fact]
    public void The_known_keys_come_from_the_record_with_its_aliases()
    {
        var values = ConfigYaml.Parse("""
            server: []
            tools:
              - {name: a, target_host: "http://x", targetHots: "http://y"}
            upstreams:
              gh: {transport: stdio, comand: [x]}
            """, "mcp-router.yml");

        var unknown = McpRouterConfigReader.Keys.FindUnknown(values, "mcp-router.yml").Select(p => $"{p.Key}: {p.Message}");

        Assert.Equal(
            ["server: unknown key; did you mean servers?", "tools[0].targetHots: unknown key; did you mean targetHost?", "upstreams.gh.comand: unknown key; did you mean command?"],
            unknown);
    }
}
