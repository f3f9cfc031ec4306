using LightFabric.Gateway.Chains;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>A real <see cref="TestApi"/>, a gateway whose tools call it, and an initialized MCP session.</summary>
internal sealed class ApiToolGateway : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly LightRuntime<GatewayModel> _runtime;

    private ApiToolGateway(TestApi api, TempDirectory dir, LightRuntime<GatewayModel> runtime, HttpClient client, McpWire wire)
    {
        Api = api;
        _dir = dir;
        _runtime = runtime;
        Client = client;
        Wire = wire;
    }

    public TestApi Api { get; }

    public HttpClient Client { get; }

    public McpWire Wire { get; }

    /// <param name="mcpRouterValues">mcp-router.* values.yml lines, given the API's base URL.</param>
    public static async Task<ApiToolGateway> StartAsync(Func<string, string> mcpRouterValues)
    {
        var api = await TestApi.StartAsync();
        var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(mcpRouterValues(api.BaseUrl)));
        var wire = new McpWire(client);
        await wire.InitializeAsync();
        return new ApiToolGateway(api, dir, runtime, client, wire);
    }

    public async ValueTask DisposeAsync()
    {
        await _runtime.DisposeAsync();
        Client.Dispose();
        await Api.DisposeAsync();
        _dir.Dispose();
    }
}
