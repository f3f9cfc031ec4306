using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.EndToEnd.Tests;

/// <summary>
/// The seed's fine-grained authorization example end to end: a real gateway process with JWT security and
/// light-rule, and the TypeScript SDK client calling it with two different tokens (and one without a role); the
/// same rules guard the API's plain HTTP route through the gateway.
/// </summary>
public sealed class AccessControlE2ETests
{
    [Fact]
    public async Task Two_tokens_see_different_tools_rows_and_columns_through_the_typescript_client()
    {
        var peers = McpPeers.Instance;
        var key = TestKey.NewRsa("e2e-1");
        await using var keys = await JwksServer.StartAsync(key);
        await using var accounts = await StartAccountsApiAsync();
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "LightFabric.Rules.Tests", "Seeds", "fga-accounts.yml"));
        dir.WriteConfig("rule.yml", seed.Replace("rule.endpointRules:", "endpointRules:", StringComparison.Ordinal));
        dir.WriteConfig("values.yml", $$"""
            server.ip: 127.0.0.1
            handler.handlers: [security, access-control, proxy, mcp]
            handler.paths:
              - {path: /v1/accounts, method: GET, exec: [security, access-control, proxy]}
              - {path: /mcp, method: POST, exec: [security, mcp]}
              - {path: /mcp, method: GET, exec: [security, mcp]}
              - {path: /mcp, method: DELETE, exec: [security, mcp]}
            security.issuer: https://issuer.test
            security.audience: [gateway]
            proxy.hosts: {{accounts.Urls.First()}}
            access-control.enabled: true
            access-control.defaultInclude: true
            access-control.toolsListAccessControl.mode: permission
            mcp-router.tools:
              - {name: accounts, targetHost: "{{accounts.Urls.First()}}", path: /v1/accounts, method: GET}
              - {name: pets, targetHost: "{{accounts.Urls.First()}}", path: /v1/pets, method: GET, endpoint: /v1/pets@get}
            """);
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], new Dictionary<string, string> { ["SERVER_HTTPPORT"] = "0" });
        var url = new Uri(await gateway.WaitForReadyAsync(), "/mcp");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Token(string? role)
        {
            var claims = new JsonObject { ["iss"] = "https://issuer.test", ["aud"] = "gateway", ["sub"] = role ?? "guest", ["exp"] = now + 600 };
            if (role is not null)
            {
                claims["role"] = role;
            }

            return key.Sign(claims);
        }

        var call = new JsonArray(new JsonObject { ["name"] = "accounts" });
        var teller = await RunClientAsync(peers, url, call, Token("teller"));
        var manager = await RunClientAsync(peers, url, call, Token("account-manager"));
        var guest = await RunClientAsync(peers, url, call, Token(null));

        Assert.Equal(["accounts"], teller["tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty(guest["tools"]!.AsArray());

        var tellerRows = teller["results"]!["accounts"]!["structuredContent"]!["items"]!.AsArray();
        Assert.Equal(["1001", "1003"], tellerRows.Select(r => r!["accountNo"]!.GetValue<string>()));
        Assert.All(tellerRows, r => Assert.Null(r!["status"]));

        var managerRows = manager["results"]!["accounts"]!["structuredContent"]!["items"]!.AsArray();
        Assert.Equal(3, managerRows.Count);
        Assert.All(managerRows, r => Assert.NotNull(r!["status"]));

        Assert.Equal(-32001, guest["results"]!["accounts"]!["error"]!["code"]!.GetValue<int>());

        // The API's own route, through the gateway: the same rows and columns per token, 403 without a role.
        using var http = new HttpClient { BaseAddress = url };
        async Task<(System.Net.HttpStatusCode Status, JsonNode? Body)> GetAccountsAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/accounts");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }

        var tellerHttp = await GetAccountsAsync(Token("teller"));
        Assert.Equal(System.Net.HttpStatusCode.OK, tellerHttp.Status);
        Assert.Equal(tellerRows.ToJsonString(), tellerHttp.Body!.ToJsonString());
        var managerHttp = await GetAccountsAsync(Token("account-manager"));
        Assert.Equal(managerRows.ToJsonString(), managerHttp.Body!.ToJsonString());
        var guestHttp = await GetAccountsAsync(Token(null));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, guestHttp.Status);
        Assert.Equal("ACCESS_DENIED", guestHttp.Body!["code"]!.GetValue<string>());
    }

    private static async Task<WebApplication> StartAccountsApiAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/v1/accounts", () => Results.Json(new[]
        {
            new { accountNo = "1001", userId = "u1", accountType = "C", firstName = "Ann", lastName = "Lee", status = "open" },
            new { accountNo = "1002", userId = "u2", accountType = "S", firstName = "Bo", lastName = "Ng", status = "frozen" },
            new { accountNo = "1003", userId = "u3", accountType = "C", firstName = "Cy", lastName = "Oh", status = "open" },
        }));
        await app.StartAsync();
        return app;
    }

    private static async Task<JsonObject> RunClientAsync(McpPeers peers, Uri endpoint, JsonArray calls, string token)
    {
        var start = new ProcessStartInfo(peers.NodePath)
        {
            WorkingDirectory = peers.PeersDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GATEWAY_TOKEN"] = token;
        start.ArgumentList.Add(Path.Combine(peers.PeersDirectory, "gateway-client.mjs"));
        start.ArgumentList.Add(endpoint.ToString());
        start.ArgumentList.Add(calls.ToJsonString());
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"gateway-client.mjs exited with {process.ExitCode}: {await stderr}");
        return JsonNode.Parse((await stdout).Trim().Split('\n').Last())!.AsObject();
    }
}
