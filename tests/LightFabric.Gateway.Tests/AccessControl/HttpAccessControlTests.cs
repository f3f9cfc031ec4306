using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Chains;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Gateway.Tests.Security;
using LightFabric.Runtime.Hosting;
using LightFabric.Runtime.Modules;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.AccessControl;

/// <summary>
/// light-rule on plain HTTP routes: [security, access-control, proxy] in front of a real API. The seed's
/// fine-grained authorization example gives each role its rows and columns; denied callers never reach the API;
/// a response filter that cannot run refuses the answer.
/// </summary>
public sealed class HttpAccessControlTests
{
    // Rule bodies these tests add to the seed's: a CEL rule over the route's path parameter.
    private const string ExtraRuleBodies = """
          order-seven-only:
            ruleId: order-seven-only
            ruleName: Only order 7
            ruleType: req-acc
            common: Y
            conditionLanguage: cel
            expression: toolArguments.id == "7" && toolArguments.mode == "fast"

        """;

    private const string ExtraEndpointRules = """

          /orders/{id}@post:
            req-acc: [order-seven-only]
          /text@get:
            req-acc: [allow-role-based-access-control.lightapi.net]
            res-fil: [response-column-filter.lightapi.net]
            permission:
              roles: teller
              col: {role: {teller: '["a"]'}}
          /slow@get:
            req-acc: [allow-role-based-access-control.lightapi.net]
            permission: {roles: teller}
          /fail@get:
            req-acc: [allow-role-based-access-control.lightapi.net]
            res-fil: [response-column-filter.lightapi.net]
            permission:
              roles: teller
              col: {role: {teller: '["a"]'}}
        """;

    private sealed class Fixture : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];

        public required TestKey Key { get; init; }

        public required TestApi Api { get; init; }

        public required TempDirectory Dir { get; init; }

        public LightRuntime<GatewayModel> Runtime { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public static async Task<Fixture> StartAsync(string extraValues = "")
        {
            var key = TestKey.NewRsa("rsa-http-ac");
            var keys = await JwksServer.StartAsync(key);
            var api = await TestApi.StartAsync();
            var dir = new TempDirectory();
            dir.WriteConfig("client.yml", keys.ClientYml());
            dir.WriteConfig("rule.yml", SeedRules());
            var fixture = new Fixture { Key = key, Api = api, Dir = dir };
            fixture._owned.Add(keys);
            fixture._owned.Add(api);
            (fixture.Runtime, fixture.Client) = await GatewayTestHost.StartAsync(dir, $$"""
                handler.handlers: [security, access-control, proxy]
                handler.chains: {guarded: [security, access-control, proxy]}
                handler.paths:
                  - {path: /v1/accounts, method: GET, exec: [guarded]}
                  - {path: "/orders/{id}", method: POST, exec: [guarded]}
                  - {path: /text, method: GET, exec: [guarded]}
                  - {path: /fail, method: GET, exec: [guarded]}
                  - {path: /items, method: GET, exec: [guarded]}
                  - {path: /slow, method: GET, exec: [guarded]}
                security.issuer: {{JwtCallers.Issuer}}
                security.audience: [{{JwtCallers.Audience}}]
                proxy.hosts: {{api.BaseUrl}}
                proxy.maxRequestTime: 30000
                access-control.enabled: true
                access-control.defaultInclude: true
                {{extraValues}}
                """);
            return fixture;
        }

        public static string SeedRules()
        {
            var seed = File.ReadAllText(Path.Combine(McpPeers.Instance.RepoRoot, "tests", "LightFabric.Rules.Tests", "Seeds", "fga-accounts.yml"));
            return seed.Replace("rule.endpointRules:", "endpointRules:", StringComparison.Ordinal)
                .Replace("ruleBodies:\n", "ruleBodies:\n" + ExtraRuleBodies, StringComparison.Ordinal)
                .TrimEnd() + ExtraEndpointRules;
        }

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? role, bool token = true)
        {
            using var request = new HttpRequestMessage(method, path);
            if (token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", JwtCallers.Token(Key, role));
            }

            return await Client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            await Runtime.DisposeAsync();
            Client.Dispose();
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }

            Dir.Dispose();
        }
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task Each_role_gets_its_rows_and_columns_and_a_caller_without_a_role_never_reaches_the_api()
    {
        await using var f = await Fixture.StartAsync();

        using var teller = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "teller");
        Assert.Equal(HttpStatusCode.OK, teller.StatusCode);
        var tellerRows = (await JsonAsync(teller)).AsArray();
        Assert.Equal(["1001", "1003"], tellerRows.Select(r => r!["accountNo"]!.GetValue<string>()));
        Assert.All(tellerRows, r => Assert.Null(r!["status"]));
        Assert.Equal(teller.Content.Headers.ContentLength, (await teller.Content.ReadAsByteArrayAsync()).Length);

        using var manager = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "account-manager");
        var managerRows = (await JsonAsync(manager)).AsArray();
        Assert.Equal(3, managerRows.Count);
        Assert.All(managerRows, r => Assert.NotNull(r!["status"]));

        var before = f.Api.LastRequest?.ToJsonString();
        using var guest = await f.SendAsync(HttpMethod.Get, "/v1/accounts", role: null);
        Assert.Equal(HttpStatusCode.Forbidden, guest.StatusCode);
        var error = await JsonAsync(guest);
        Assert.Equal("ACCESS_DENIED", error["code"]!.GetValue<string>());
        Assert.Contains("/v1/accounts@get", error["description"]!.GetValue<string>());
        Assert.Equal(before, f.Api.LastRequest?.ToJsonString());

        using var anonymous = await f.SendAsync(HttpMethod.Get, "/v1/accounts", role: null, token: false);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // No endpoint rule for /items and defaultDeny: denied, not passed.
        using var unruled = await f.SendAsync(HttpMethod.Get, "/items", "teller");
        Assert.Equal(HttpStatusCode.Forbidden, unruled.StatusCode);
        Assert.Contains("no access control rule defined for /items@get", (await JsonAsync(unruled))["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Path_and_query_parameters_are_the_rule_arguments()
    {
        await using var f = await Fixture.StartAsync();

        using var seven = await f.SendAsync(HttpMethod.Post, "/orders/7?mode=fast", "teller");
        Assert.Equal(HttpStatusCode.OK, seven.StatusCode);
        Assert.Equal("7", (await JsonAsync(seven))["id"]!.GetValue<string>());

        using var slow = await f.SendAsync(HttpMethod.Post, "/orders/7?mode=slow", "teller");
        Assert.Equal(HttpStatusCode.Forbidden, slow.StatusCode);
        using var eight = await f.SendAsync(HttpMethod.Post, "/orders/8?mode=fast", "teller");
        Assert.Equal(HttpStatusCode.Forbidden, eight.StatusCode);
        Assert.Contains("order-seven-only", (await JsonAsync(eight))["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_filter_that_cannot_run_refuses_the_answer_and_error_answers_pass_as_they_are()
    {
        await using var f = await Fixture.StartAsync();

        using var text = await f.SendAsync(HttpMethod.Get, "/text", "teller");
        Assert.Equal(HttpStatusCode.BadGateway, text.StatusCode);
        var body = await text.Content.ReadAsStringAsync();
        Assert.DoesNotContain("plain words", body);
        Assert.Equal("RESPONSE_NOT_FILTERABLE", JsonNode.Parse(body)!["code"]!.GetValue<string>());

        using var failed = await f.SendAsync(HttpMethod.Get, "/fail", "teller");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("secret-internal-detail", await failed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_answer_larger_than_the_filter_buffer_is_refused()
    {
        await using var f = await Fixture.StartAsync("access-control.maxResponseFilterBytes: 16");

        using var response = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "account-manager");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("1001", body);
        Assert.Contains("maxResponseFilterBytes", body);

        // An error answer too large for the buffer is refused as well, not sent cut short.
        using var error = await f.SendAsync(HttpMethod.Get, "/fail", "teller");
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.DoesNotContain("secret", await error.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Skip_path_prefixes_pass_without_rules()
    {
        await using var f = await Fixture.StartAsync("access-control.skipPathPrefixes: [/items]");

        using var response = await f.SendAsync(HttpMethod.Get, "/items", role: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await JsonAsync(response)).AsArray().Count);
    }

    [Fact]
    public async Task A_rule_yml_change_alone_is_reloaded_reported_and_applied_to_the_next_request()
    {
        await using var f = await Fixture.StartAsync();
        using (var before = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "teller"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        f.Dir.WriteConfig("rule.yml", Fixture.SeedRules().Replace("roles: account-manager teller", "roles: account-manager", StringComparison.Ordinal));
        var report = await f.Runtime.ReloadAsync();

        Assert.True(report.Applied, report.ToString());
        Assert.Contains(report.Modules, m => m.Module == "light-gateway/rule" && m.Status == ModuleReloadStatus.Reloaded);
        using var after = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "teller");
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        using var manager = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "account-manager");
        Assert.Equal(HttpStatusCode.OK, manager.StatusCode);

        // A broken rule.yml keeps the rules in force.
        f.Dir.WriteConfig("rule.yml", "ruleBodies: {bad: {ruleId: other, ruleType: req-acc}}\nendpointRules: {}\n");
        var rejected = await f.Runtime.ReloadAsync();
        Assert.False(rejected.Applied);
        using var still = await f.SendAsync(HttpMethod.Get, "/v1/accounts", "account-manager");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_request_in_flight_during_a_reload_finishes_on_the_rules_it_started_with()
    {
        await using var f = await Fixture.StartAsync();
        var inFlight = f.SendAsync(HttpMethod.Get, "/slow", "teller");
        while (f.Api.LastRequest?["path"]?.GetValue<string>() != "/slow")
        {
            Assert.False(inFlight.IsCompleted, "the request ended before it reached the API");
            await Task.Delay(20);
        }

        f.Dir.WriteConfig("rule.yml", Fixture.SeedRules().Replace("permission: {roles: teller}", "permission: {roles: nobody}", StringComparison.Ordinal));
        Assert.True((await f.Runtime.ReloadAsync()).Applied);

        using var next = await f.SendAsync(HttpMethod.Get, "/slow", "teller");
        Assert.Equal(HttpStatusCode.Forbidden, next.StatusCode);
        using var started = await inFlight;
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Equal("late", await started.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_backend_that_breaks_off_mid_answer_sends_the_client_no_byte_of_it()
    {
        await using var backend = await Proxy.ProxyBackend.StartAsync("breaking");
        using var dir = new TempDirectory();
        dir.WriteConfig("rule.yml", """
            ruleBodies:
              everyone: {ruleId: everyone, ruleType: req-acc, conditionLanguage: cel, expression: "true"}
              columns: {ruleId: columns, ruleType: res-fil, actions: [{actionClassName: ResponseColumnFilterAction}]}
            endpointRules:
              /v1/break@get:
                req-acc: [everyone]
                res-fil: [columns]
                permission: {col: {role: {teller: '["a"]'}}}
            """);
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $$"""
            handler.handlers: [access-control, proxy, health]
            handler.paths:
              - {path: /v1/break, method: GET, exec: [access-control, proxy]}
              - {path: /ping, method: GET, exec: [health]}
            proxy.hosts: {{backend.BaseUrl}}
            access-control.enabled: true
            """);
        await using var _ = runtime;
        using var __ = client;

        // The backend sends its status line and "partial", then breaks its connection once released. Without the
        // filter's buffer the status line and "partial" would reach the client before the break; with it, nothing.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(client.BaseAddress!.Host, client.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync("GET /v1/break HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8.ToArray());
        while (backend.Requests == 0)
        {
            await Task.Delay(20);
        }

        // Let the proxy receive the backend's headers and "partial" before the break.
        await Task.Delay(500);
        backend.ReleaseStream.TrySetResult();
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (IOException)
        {
            // A reset ends the read; what arrived before it is what counts.
        }

        Assert.Equal("", System.Text.Encoding.ASCII.GetString(received.ToArray()));
        Assert.Equal("ok", await client.GetStringAsync("/ping"));
    }
}
