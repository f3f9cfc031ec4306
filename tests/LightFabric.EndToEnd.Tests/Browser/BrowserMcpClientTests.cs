using System.Text.Json.Nodes;
using LightFabric.Testing;
using Microsoft.Playwright;

namespace LightFabric.EndToEnd.Tests.Browser;

/// <summary>
/// A real browser (chromium, headless, driven by Playwright) runs a page that is a browser MCP client against the
/// quick-start gateway: CORS must let the page read <c>Mcp-Session-Id</c> and send the MCP headers.
/// </summary>
public sealed class BrowserMcpClientTests
{
    [Fact]
    public async Task A_page_on_an_allowed_origin_keeps_an_mcp_session_and_lists_tools_and_other_origins_are_refused()
    {
        var chromium = Chromium.EnsureInstalled();
        await using var page = await McpPage.StartAsync();
        var allowedOrigin = $"http://localhost:{page.Port}";

        var peers = McpPeers.Instance;
        using var dir = new TempDirectory();
        RepoPaths.CopyDirectory(RepoPaths.Quickstart, dir.Path);
        // The quick start's allowlist (its Inspector origins included) plus this page's origin.
        var values = Path.Combine(dir.Path, "config", "values.yml");
        var text = File.ReadAllText(values);
        Assert.Contains("cors.allowedOrigins: [", text);
        File.WriteAllText(values, text.Replace("cors.allowedOrigins: [", $"cors.allowedOrigins: [{allowedOrigin}, "));
        var servers = new JsonArray(new JsonObject
        {
            ["name"] = "everything",
            ["transport"] = "stdio",
            ["command"] = new JsonArray(peers.NodePath, peers.EverythingServerScript, "stdio"),
        });
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path],
            new Dictionary<string, string> { ["SERVER_HTTPPORT"] = "0", ["MCP_ROUTER_SERVERS"] = servers.ToJsonString() });
        var mcp = new Uri(await gateway.WaitForReadyAsync(), "/mcp").ToString();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });

        var allowed = await RunPageAsync(browser, $"{allowedOrigin}/?gateway={Uri.EscapeDataString(mcp)}");
        Assert.True(allowed["ok"]!.GetValue<bool>(), allowed.ToJsonString());
        Assert.False(string.IsNullOrEmpty(allowed["session"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(allowed["protocolVersion"]?.GetValue<string>()), allowed.ToJsonString());
        var tools = allowed["tools"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        Assert.Contains("echo", tools);
        Assert.Contains("gateway_health", tools);

        // The MCP Inspector's web UI origin, as the quick start ships it (the page is served to the browser by
        // Playwright under that origin; the fetches to the gateway are real).
        var inspector = await RunPageAsync(browser, $"http://localhost:6274/?gateway={Uri.EscapeDataString(mcp)}", fulfil: "http://localhost:6274/**");
        Assert.True(inspector["ok"]!.GetValue<bool>(), inspector.ToJsonString());
        Assert.Contains("echo", inspector["tools"]!.AsArray().Select(t => t!.GetValue<string>()));

        // Same page, same server, another origin (127.0.0.1 is not localhost): the gateway refuses it and the page's
        // fetch fails before any session exists.
        var refused = await RunPageAsync(browser, $"http://127.0.0.1:{page.Port}/?gateway={Uri.EscapeDataString(mcp)}");
        Assert.False(refused["ok"]!.GetValue<bool>(), refused.ToJsonString());
        Assert.Contains("Failed to fetch", refused["error"]!.GetValue<string>());
    }

    /// <summary>Opens the page in a fresh browser context and returns what its script wrote into #result.</summary>
    private static async Task<JsonObject> RunPageAsync(IBrowser browser, string url, string? fulfil = null)
    {
        await using var context = await browser.NewContextAsync();
        var tab = await context.NewPageAsync();
        // What the browser itself said (console, failed requests) goes with the result, for a failing assertion.
        var log = new JsonArray();
        tab.Console += (_, message) => { lock (log) { log.Add($"console {message.Type}: {message.Text}"); } };
        tab.RequestFailed += (_, request) => { lock (log) { log.Add($"request failed: {request.Method} {request.Url}: {request.Failure}"); } };
        if (fulfil is not null)
        {
            // A page Playwright fulfils has no server address, so chromium's local network access check counts it
            // as public and asks for permission to reach loopback; the real Inspector UI is served from loopback and
            // needs none (as the Kestrel-served page shows). Granting it keeps the check out of what is tested: CORS.
            await context.GrantPermissionsAsync(["local-network-access"], new BrowserContextGrantPermissionsOptions { Origin = new Uri(url).GetLeftPart(UriPartial.Authority) });
            await tab.RouteAsync(fulfil, route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html", Body = McpPage.Html }));
        }

        await tab.GotoAsync(url);
        var result = await tab.WaitForSelectorAsync("#result[data-done]", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var outcome = JsonNode.Parse(await result!.TextContentAsync() ?? "{}")!.AsObject();
        lock (log)
        {
            outcome["browserLog"] = log.DeepClone();
        }

        return outcome;
    }
}
