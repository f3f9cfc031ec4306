using System.Net;
using System.Text.Json;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests;

public sealed class RequestFlowTests
{
    private const string Chains = """
        handler.chains:
          default: [correlation, header, cors]
        handler.paths:
          - {path: /ping, method: GET, exec: [default, health]}
          - {path: '/orders/{id}', method: GET, exec: [default, health]}
          - {path: /files/*, method: GET, exec: [default, health]}
        handler.defaultHandlers: [default]
        header.enabled: true
        """;

    [Fact]
    public async Task Selects_the_chain_by_path_and_method_and_falls_back_to_the_default_chain()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Chains);
        await using var _ = runtime;

        Assert.Equal("ok", await client.GetStringAsync("/ping"));
        Assert.Equal("ok", await client.GetStringAsync("/orders/42"));
        Assert.Equal("ok", await client.GetStringAsync("/files/a/b.txt"));

        var post = await client.PostAsync("/ping", null);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        using var body = JsonDocument.Parse(await post.Content.ReadAsStringAsync());
        Assert.Equal(404, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal("NOT_FOUND", body.RootElement.GetProperty("code").GetString());
        // The default chain ran: correlation still decorated the 404.
        Assert.True(post.Headers.Contains("X-Correlation-Id"));
    }

    [Fact]
    public async Task Health_endpoints_answer_before_any_chain()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, "handler.defaultHandlers: []\n");
        await using var _ = runtime;

        Assert.Equal("ok", await client.GetStringAsync("/health"));
        Assert.Contains("\"status\":\"ready\"", await client.GetStringAsync("/health/ready"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/anything")).StatusCode);
    }

    [Fact]
    public async Task Correlation_id_is_generated_or_kept_and_traceability_is_echoed()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Chains);
        await using var _ = runtime;

        var generated = await client.GetAsync("/ping");
        var id = generated.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Equal(22, id.Length);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.False(generated.Headers.Contains("X-Traceability-Id"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ping");
        request.Headers.Add("X-Correlation-Id", "corr-123");
        request.Headers.Add("X-Traceability-Id", "trace-9");
        var kept = await client.SendAsync(request);
        Assert.Equal("corr-123", kept.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("trace-9", kept.Headers.GetValues("X-Traceability-Id").Single());
    }

    [Fact]
    public async Task Header_rules_apply_globally_then_for_the_longest_prefix()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Chains + """

            header.response.update: {X-Gateway: lg, X-Scope: global}
            header.response.remove: [X-Correlation-Id]
            header.pathPrefixHeader:
              /files: {response: {update: {X-Scope: files}}}
              /files/private: {response: {update: {X-Scope: private}}}
            """);
        await using var _ = runtime;

        var ping = await client.GetAsync("/ping");
        Assert.Equal("lg", ping.Headers.GetValues("X-Gateway").Single());
        Assert.Equal("global", ping.Headers.GetValues("X-Scope").Single());
        Assert.False(ping.Headers.Contains("X-Correlation-Id"));

        Assert.Equal("files", (await client.GetAsync("/files/a")).Headers.GetValues("X-Scope").Single());
        Assert.Equal("private", (await client.GetAsync("/files/private/a")).Headers.GetValues("X-Scope").Single());
        Assert.Equal("files", (await client.GetAsync("/files/privateer")).Headers.GetValues("X-Scope").Single());
    }

    [Fact]
    public async Task Cors_answers_preflights_rejects_unknown_origins_and_decorates_allowed_ones()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Chains + """

            cors.allowedOrigins: https://app.example.com, https://admin.example.com
            cors.allowedMethods: [GET, POST]
            cors.pathPrefixAllowed:
              /files: {allowedOrigins: [https://files.example.com], allowedMethods: [GET]}
            """);
        await using var _ = runtime;

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/ping");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        var answer = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET, POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("content-type", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        using var badMethod = new HttpRequestMessage(HttpMethod.Options, "/ping");
        badMethod.Headers.Add("Origin", "https://app.example.com");
        badMethod.Headers.Add("Access-Control-Request-Method", "DELETE");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(badMethod)).StatusCode);

        using var evil = new HttpRequestMessage(HttpMethod.Get, "/ping");
        evil.Headers.Add("Origin", "https://evil.example.com");
        var denied = await client.SendAsync(evil);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("CORS_ORIGIN_DENIED", await denied.Content.ReadAsStringAsync());

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/ping");
        allowed.Headers.Add("Origin", "https://admin.example.com");
        var ok = await client.SendAsync(allowed);
        Assert.Equal("ok", await ok.Content.ReadAsStringAsync());
        Assert.Equal("https://admin.example.com", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var prefixed = new HttpRequestMessage(HttpMethod.Get, "/files/x");
        prefixed.Headers.Add("Origin", "https://app.example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(prefixed)).StatusCode);
    }

    [Fact]
    public async Task Cors_exposes_the_mcp_session_headers_and_allows_the_headers_mcp_clients_send_by_default()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Chains + "\ncors.allowedOrigins: [http://localhost:6274]\n");
        await using var _ = runtime;

        const string McpHeaders = "mcp-session-id, mcp-protocol-version, last-event-id, authorization, content-type, accept";
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/ping");
        preflight.Headers.Add("Origin", "http://localhost:6274");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", McpHeaders);
        var answer = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(McpHeaders, answer.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("Mcp-Session-Id, MCP-Protocol-Version", answer.Headers.GetValues("Access-Control-Expose-Headers").Single());

        using var actual = new HttpRequestMessage(HttpMethod.Get, "/ping");
        actual.Headers.Add("Origin", "http://localhost:6274");
        var ok = await client.SendAsync(actual);
        Assert.Equal("ok", await ok.Content.ReadAsStringAsync());
        Assert.Equal("Mcp-Session-Id, MCP-Protocol-Version", ok.Headers.GetValues("Access-Control-Expose-Headers").Single());

        // An error written by a later handler is an allowed response too.
        using var missing = new HttpRequestMessage(HttpMethod.Get, "/nothing-here");
        missing.Headers.Add("Origin", "http://localhost:6274");
        var notFound = await client.SendAsync(missing);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("Mcp-Session-Id, MCP-Protocol-Version", notFound.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public async Task Cors_expose_and_allowed_headers_come_from_cors_yml()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Chains + """

            cors.allowedOrigins: [https://app.example.com]
            cors.allowedHeaders: [Content-Type, X-Api-Key]
            cors.exposeHeaders: [Mcp-Session-Id, X-Correlation-Id]
            """);
        await using var _ = runtime;

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/ping");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-other");
        var answer = await client.SendAsync(preflight);
        Assert.Equal("Content-Type, X-Api-Key", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("Mcp-Session-Id, X-Correlation-Id", answer.Headers.GetValues("Access-Control-Expose-Headers").Single());

        using var actual = new HttpRequestMessage(HttpMethod.Get, "/ping");
        actual.Headers.Add("Origin", "https://app.example.com");
        var ok = await client.SendAsync(actual);
        Assert.Equal("Mcp-Session-Id, X-Correlation-Id", ok.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public async Task Base_path_is_stripped_before_matching()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, """
            handler.basePath: /gw
            handler.paths:
              - {path: /ping, method: GET, exec: [health]}
            """);
        await using var _ = runtime;

        Assert.Equal("ok", await client.GetStringAsync("/gw/ping"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/gwx/ping")).StatusCode);
    }

    [Fact]
    public async Task Reload_swaps_chains_and_an_invalid_handler_yml_keeps_the_old_ones()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, "handler.paths: [{path: /a, method: GET, exec: [health]}]\n");
        await using var _ = runtime;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/a")).StatusCode);

        dir.WriteConfig("values.yml", "server.httpPort: 0\nhandler.paths: [{path: /b, method: GET, exec: [health]}]\n");
        var applied = await runtime.ReloadAsync();
        Assert.True(applied.Applied, applied.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/b")).StatusCode);
        Assert.Contains(applied.Modules, m => m.Module == "light-gateway/handler" && m.Status == LightFabric.Runtime.Modules.ModuleReloadStatus.Reloaded);

        dir.WriteConfig("values.yml", "server.httpPort: 0\nhandler.paths: [{path: /c, method: GET, exec: [no-such-handler]}]\n");
        var rejected = await runtime.ReloadAsync();
        Assert.False(rejected.Applied);
        Assert.Contains(rejected.Problems, p => p.Contains("no-such-handler", StringComparison.Ordinal));
        Assert.Contains(rejected.Modules, m => m.Module == "light-gateway/handler" && m.Status == LightFabric.Runtime.Modules.ModuleReloadStatus.Failed);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/b")).StatusCode);
    }
}
