using System.Net;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>Backends that refuse, stall or lose their caller: each request fails on its own, the gateway carries on.</summary>
public sealed class ProxyFailureTests
{
    [Fact]
    public async Task A_refusing_backend_gives_502_naming_it_and_the_gateway_keeps_serving()
    {
        var down = ProxyGateway.RefusingHost();
        await using var live = await ProxyBackend.StartAsync("live");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {down}, {live.BaseUrl}
            proxy.maxConnectionRetries: 0
            """);

        // Without retries the requests that start on the refusing host fail, the others are served.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.GetAsync("/v1/items");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.BadGateway)
            {
                var error = await ProxyGateway.ErrorAsync(response);
                Assert.Equal("PROXY_UPSTREAM_UNAVAILABLE", error["code"]!.GetValue<string>());
                Assert.Contains(down, error["description"]!.GetValue<string>());
            }
        }

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.BadGateway));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, live.Requests);
        Assert.Equal("ok", await gateway.Client.GetStringAsync("/health"));
    }

    [Fact]
    public async Task Connection_failures_are_retried_on_the_next_host_when_the_request_can_be_sent_again()
    {
        var down = ProxyGateway.RefusingHost();
        await using var live = await ProxyBackend.StartAsync("live");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: [{down}, {live.BaseUrl}]
            proxy.maxConnectionRetries: 1
            """);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("live", (await ProxyGateway.EchoAsync(await gateway.Client.GetAsync("/v1/items")))["backend"]!.GetValue<string>());
        }

        // PUT is idempotent and its body was not read when the connection failed: it goes to the next host.
        for (var i = 0; i < 2; i++)
        {
            using var body = new StringContent("replace me");
            var echo = await ProxyGateway.EchoAsync(await gateway.Client.PutAsync("/v1/items/1", body));
            Assert.Equal("replace me", echo["body"]!.GetValue<string>());
        }

        // POST with a body is never sent twice: the one that starts on the refusing host fails.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var body = new StringContent("create me");
            using var response = await gateway.Client.PostAsync("/v1/items", body);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.BadGateway)
            {
                Assert.Contains("not retried", (await ProxyGateway.ErrorAsync(response))["description"]!.GetValue<string>());
            }
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.BadGateway, statuses);
    }

    [Fact]
    public async Task A_backend_slower_than_maxRequestTime_gives_504_and_its_request_is_cancelled()
    {
        await using var slow = await ProxyBackend.StartAsync("slow");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {slow.BaseUrl}
            proxy.maxRequestTime: 300
            """);

        using var response = await gateway.Client.GetAsync("/v1/slow");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var error = await ProxyGateway.ErrorAsync(response);
        Assert.Equal("PROXY_UPSTREAM_TIMEOUT", error["code"]!.GetValue<string>());
        Assert.Contains("maxRequestTime", error["description"]!.GetValue<string>());
        Assert.Contains(slow.BaseUrl.TrimEnd('/'), error["description"]!.GetValue<string>());

        await slow.SlowAborted.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_client_that_leaves_cancels_the_upstream_request()
    {
        await using var slow = await ProxyBackend.StartAsync("slow");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {slow.BaseUrl}
            proxy.maxRequestTime: 0
            """);

        using var leave = new CancellationTokenSource();
        var call = gateway.Client.GetAsync("/v1/slow", leave.Token);
        await slow.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        leave.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await slow.SlowAborted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("ok", await gateway.Client.GetStringAsync("/health"));
    }

    [Fact]
    public async Task A_backend_that_breaks_off_mid_body_breaks_the_client_response_too()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"proxy.hosts: {backend.BaseUrl}");

        using var response = await gateway.Client.GetAsync("/v1/break", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("partial", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        backend.ReleaseStream.SetResult();

        // The client must not mistake the truncated body for a complete one.
        await Assert.ThrowsAnyAsync<Exception>(() => reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("ok", await gateway.Client.GetStringAsync("/health"));
    }
}
