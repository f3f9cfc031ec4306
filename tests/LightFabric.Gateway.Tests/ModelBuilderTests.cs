using LightFabric.Testing;

namespace LightFabric.Gateway.Tests;

public sealed class ModelBuilderTests
{
    [Fact]
    public async Task Accepts_list_and_exec_chain_forms_nested_chains_and_additional_entries()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yml", """
            handlers: [correlation, header, cors, health]
            chains:
              base: [correlation, headers]
              api: {exec: [base, cors]}
            additionalChains:
              ping: [health]
            paths:
              - {path: /api/orders, method: get, exec: [api, health]}
            additionalPaths:
              - {path: /ping, method: GET, exec: [ping]}
            defaultHandlers: [base]
            """);

        var model = await GatewayTestHost.BuildAsync(dir);

        Assert.Equal(2, model.Routes.Count);
        Assert.Equal(["correlation", "header", "cors", "health"], model.Routes[0].Handlers.Select(h => h.Id));
        Assert.Equal("/api/orders@get", model.Routes[0].Endpoint);
        Assert.Equal(["health"], model.Routes[1].Handlers.Select(h => h.Id));
        Assert.Equal(["correlation", "header"], model.DefaultHandlers.Select(h => h.Id));
        // One instance per handler, shared by every chain that uses it.
        Assert.Same(model.Routes[0].Handlers[0], model.DefaultHandlers[0]);
    }

    [Fact]
    public async Task An_empty_mcp_router_file_is_a_problem_instead_of_a_router_without_servers()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", Mcp.McpGatewayConfig.Chains);
        var file = dir.Write("config-cache/mcp-router.yml", "\n   \n");

        var error = await GatewayTestHost.BuildFailsAsync(dir);

        var problem = Assert.Single(error.Problems);
        Assert.Equal($"{file}: file is empty; delete it to use the defaults or set enabled: false", problem.ToString());
    }

    [Fact]
    public async Task A_bad_handler_in_values_yml_is_reported_at_values_yml_and_its_key()
    {
        using var dir = new TempDirectory();
        var values = dir.WriteConfig("values.yml", """
            handler.handlers: [health]
            handler.paths:
              - {path: /a, method: GET, exec: [health]}
              - {path: /b, method: GET, exec: [health, mpc]}
            """);

        var error = await GatewayTestHost.BuildFailsAsync(dir);

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith($"{values}: handler.paths[1].exec[1] (used by handler.yml): unknown handler 'mpc'", problem.ToString());
    }

    [Fact]
    public async Task Handler_values_can_arrive_as_json_strings_from_config_server()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: '["correlation","health"]'
            handler.chains: '{"default": ["correlation"]}'
            handler.paths: '[{"path": "/ping", "method": "GET", "exec": ["default", "health"]}]'
            handler.defaultHandlers: default
            """);

        var model = await GatewayTestHost.BuildAsync(dir);

        Assert.Single(model.Routes);
        Assert.Equal(["correlation", "health"], model.Routes[0].Handlers.Select(h => h.Id));
        Assert.Equal(["correlation"], model.DefaultHandlers.Select(h => h.Id));
    }

    [Fact]
    public async Task Reports_every_unknown_recursive_and_dangling_reference_with_its_key()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yml", """
            handlers: [correlation, com.networknt.handler.Foo]
            chains:
              loop-a: [loop-b]
              loop-b: [correlation, loop-a]
            paths:
              - {path: /x, method: GET, exec: [nosuch]}
              - {path: /y, method: GET, exec: [correlation, router]}
              - {path: bad, method: GET, exec: [correlation]}
            defaultHandlers: [missing-chain]
            """);

        var error = await GatewayTestHost.BuildFailsAsync(dir);
        var problems = error.Problems.Select(p => p.ToString()).ToArray();

        Assert.Contains(error.Problems, p => p.Key == "handlers[1]" && p.Message.Contains("Java class names"));
        Assert.Contains(error.Problems, p => p.Key == "chains.loop-a" && p.Message.Contains("recursive"));
        Assert.Contains(error.Problems, p => p.Key == "paths[0].exec[0]" && p.Message.Contains("unknown handler 'nosuch'"));
        Assert.Contains(error.Problems, p => p.Key == "paths[1].exec[1]" && p.Message.Contains("not available in this light-gateway build"));
        Assert.Contains(error.Problems, p => p.Key == "paths[2].path" && p.Message.Contains("must start with '/'"));
        Assert.Contains(error.Problems, p => p.Key == "defaultHandlers[0]" && p.Message.Contains("missing-chain"));
        Assert.All(error.Problems, p => Assert.EndsWith("handler.yml", p.File));
        Assert.Equal(problems.Length, problems.Distinct().Count());
    }

    [Fact]
    public async Task Duplicate_chain_names_across_additional_chains_fail()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yml", "chains: {a: [correlation]}\nadditionalChains: {a: [health]}\ndefaultHandlers: [a]\n");

        var error = await GatewayTestHost.BuildFailsAsync(dir);

        Assert.Contains(error.Problems, p => p.Key == "additionalChains.a" && p.Message.Contains("defined twice"));
    }

    [Fact]
    public async Task Only_referenced_handlers_read_their_config_files()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yml", "defaultHandlers: [correlation, health]\n");
        dir.WriteConfig("cors.yml", "allowedOrigins: ${cors.origins}\n");

        var model = await GatewayTestHost.BuildAsync(dir);
        Assert.Equal(["correlation", "health"], model.ActiveHandlers.Keys.Order());

        dir.WriteConfig("handler.yml", "defaultHandlers: [correlation, cors, health]\n");
        var error = await GatewayTestHost.BuildFailsAsync(dir);
        Assert.Contains(error.Problems, p => p.File!.EndsWith("cors.yml", StringComparison.Ordinal) && p.ToString().Contains("cors.origins"));
    }

    [Fact]
    public async Task Uses_handler_yaml_when_handler_yml_is_absent()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yaml", "defaultHandlers: [health]\n");

        var model = await GatewayTestHost.BuildAsync(dir);

        Assert.Equal(["health"], model.DefaultHandlers.Select(h => h.Id));
    }

    [Fact]
    public async Task Compatibility_ids_validate_and_do_nothing()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yml", "defaultHandlers: [exception, correlation, audit, health]\n");

        var model = await GatewayTestHost.BuildAsync(dir);

        Assert.Equal(["exception", "correlation", "audit", "health"], model.DefaultHandlers.Select(h => h.Id));
    }
}
