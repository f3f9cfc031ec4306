using System.Text.Json.Nodes;
using LightFabric.Gateway.Handlers;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>A reload never fails a request that started before it.</summary>
public sealed class ProxyReloadTests
{
    [Fact]
    public async Task A_request_that_reaches_a_retired_and_drained_proxy_is_still_forwarded()
    {
        await using var backend = await ProxyBackend.StartAsync("old");
        await using var gateway = await ProxyGateway.StartAsync($"proxy.hosts: {backend.BaseUrl}");

        // The handler of the generation a request started on, as a chain still holds it.
        var retired = gateway.Runtime.State!.Model.ActiveHandlers["proxy"];
        Assert.True((await gateway.Runtime.ReloadAsync()).Applied);

        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/late/arrival";
        http.Request.Host = new HostString("gateway.test");
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        var body = new MemoryStream();
        http.Response.Body = body;

        var outcome = await retired.InvokeAsync(new GatewayExchange(http, "/late/arrival", "/late/arrival@get", null));

        Assert.Equal(HandlerOutcome.Completed, outcome);
        Assert.Equal(200, http.Response.StatusCode);
        var echo = JsonNode.Parse(body.ToArray())!;
        Assert.Equal("/late/arrival", echo["path"]!.GetValue<string>());
    }
}
