using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>What the proxy sends upstream and what it returns: paths, queries, bodies, streaming, balancing.</summary>
public sealed class ProxyForwardingTests
{
    [Fact]
    public async Task Get_and_post_reach_the_backend_with_path_query_and_body()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"proxy.hosts: {backend.BaseUrl}");

        var get = await ProxyGateway.EchoAsync(await gateway.Client.GetAsync("/v1/items/42?a=1&b=x%20y&c=%2F"));
        Assert.Equal("GET", get["method"]!.GetValue<string>());
        Assert.Equal("/v1/items/42", get["path"]!.GetValue<string>());
        Assert.Equal("?a=1&b=x%20y&c=%2F", get["query"]!.GetValue<string>());
        Assert.Equal(0, get["bodyLength"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(get["headers"]!["x-correlation-id"]?.GetValue<string>()));

        using var json = new StringContent("""{"item":"pen","qty":2}""", Encoding.UTF8, "application/json");
        var post = await ProxyGateway.EchoAsync(await gateway.Client.PostAsync("/v1/orders?dry=true", json));
        Assert.Equal("POST", post["method"]!.GetValue<string>());
        Assert.Equal("/v1/orders", post["path"]!.GetValue<string>());
        Assert.Equal("?dry=true", post["query"]!.GetValue<string>());
        Assert.Equal("""{"item":"pen","qty":2}""", post["body"]!.GetValue<string>());
        Assert.StartsWith("application/json", post["headers"]!["content-type"]!.GetValue<string>());

        // A large body of unknown length goes up chunked and arrives whole.
        var upload = ProxyBackend.Pattern(3 * 1024 * 1024 + 17);
        using var streamed = new StreamContent(new NonSeekableStream(upload));
        var put = await ProxyGateway.EchoAsync(await gateway.Client.PutAsync("/v1/blobs/1", streamed));
        Assert.Equal(upload.Length, put["bodyLength"]!.GetValue<int>());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(upload)), put["bodySha256"]!.GetValue<string>());

        var download = await gateway.Client.GetByteArrayAsync("/v1/bytes?n=5000000");
        Assert.Equal(ProxyBackend.Pattern(5_000_000), download);

        using var head = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/items/42"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        // The backend's own error status and body come back unchanged.
        using var teapot = await gateway.Client.GetAsync("/v1/teapot");
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
        Assert.Equal("short and stout", await teapot.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_host_with_a_base_path_gets_the_request_path_appended()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"proxy.hosts: '[\"{backend.BaseUrl}/base/\"]'");

        var echo = await ProxyGateway.EchoAsync(await gateway.Client.GetAsync("/v1/x?q=1"));
        Assert.Equal("/base/v1/x", echo["path"]!.GetValue<string>());
        Assert.Equal("?q=1", echo["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streams_the_response_while_the_backend_is_still_writing()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"proxy.hosts: {backend.BaseUrl}");

        using var response = await gateway.Client.GetAsync("/v1/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The first chunk arrives while the backend waits to be released: nothing was buffered whole.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("chunk-1", first);
        Assert.False(backend.StreamFinished.Task.IsCompleted);

        backend.ReleaseStream.SetResult();
        Assert.Equal("chunk-2", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Requests_go_round_robin_across_the_hosts()
    {
        await using var a = await ProxyBackend.StartAsync("a");
        await using var b = await ProxyBackend.StartAsync("b");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts:
              - {a.BaseUrl}
              - {b.BaseUrl}
            """);

        var served = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            served.Add((await ProxyGateway.EchoAsync(await gateway.Client.GetAsync($"/v1/n/{i}")))["backend"]!.GetValue<string>());
        }

        Assert.Equal(3, served.Count(s => s == "a"));
        Assert.Equal(3, served.Count(s => s == "b"));
        for (var i = 1; i < served.Count; i++)
        {
            Assert.NotEqual(served[i - 1], served[i]);
        }
    }

    [Fact]
    public async Task Hop_by_hop_headers_are_removed_both_ways_and_forwarded_headers_added()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"proxy.hosts: {backend.BaseUrl}");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/headers");
        request.Headers.TryAddWithoutValidation("Connection", "X-Req-Hop");
        request.Headers.TryAddWithoutValidation("X-Req-Hop", "connection-scoped");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("X-End-To-End", "kept");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.9.9.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        var headers = (await ProxyGateway.EchoAsync(await gateway.Client.SendAsync(request)))["headers"]!.AsObject();

        Assert.False(headers.ContainsKey("x-req-hop"));
        Assert.False(headers.ContainsKey("keep-alive"));
        Assert.False(headers.ContainsKey("proxy-authorization"));
        Assert.False(headers.ContainsKey("te"));
        Assert.Equal("kept", headers["x-end-to-end"]!.GetValue<string>());

        // Without reuseXForwarded the gateway is the edge: what the client claimed is replaced.
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        Assert.Equal("http", headers["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal(gateway.BaseAddress.Authority, headers["x-forwarded-host"]!.GetValue<string>());

        using var response = await gateway.Client.GetAsync("/v1/hop");
        Assert.Equal("hop", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.NonValidated.Contains("X-Resp-Hop"));
        Assert.False(response.Headers.NonValidated.Contains("Keep-Alive"));
        Assert.False(response.Headers.NonValidated.Contains("Proxy-Authenticate"));
        Assert.Equal("kept", response.Headers.GetValues("X-End-To-End").Single());
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task ReuseXForwarded_appends_to_the_client_chain_and_keeps_proto_and_host()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {backend.BaseUrl}
            proxy.reuseXForwarded: true
            """);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/headers");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.9.9.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "www.example.com");
        var headers = (await ProxyGateway.EchoAsync(await gateway.Client.SendAsync(request)))["headers"]!.AsObject();

        Assert.Equal("10.9.9.9, 127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        Assert.Equal("https", headers["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal("www.example.com", headers["x-forwarded-host"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Host_header_is_the_target_or_the_clients_own(bool rewrite)
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {backend.BaseUrl}
            proxy.rewriteHostHeader: {(rewrite ? "true" : "false")}
            """);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/host");
        request.Headers.Host = "api.example.com";
        var echo = await ProxyGateway.EchoAsync(await gateway.Client.SendAsync(request));

        Assert.Equal(rewrite ? new Uri(backend.BaseUrl).Authority : "api.example.com", echo["host"]!.GetValue<string>());
        Assert.Equal("api.example.com", echo["headers"]!["x-forwarded-host"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http2Enabled_speaks_cleartext_HTTP2_to_the_backend()
    {
        await using var backend = await ProxyBackend.StartAsync("h2", http2Only: true);
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {backend.BaseUrl}
            proxy.http2Enabled: true
            """);

        using var body = new StringContent("over h2");
        var echo = await ProxyGateway.EchoAsync(await gateway.Client.PostAsync("/v1/h2?x=1", body));
        Assert.Equal("HTTP/2", echo["protocol"]!.GetValue<string>());
        Assert.Equal("over h2", echo["body"]!.GetValue<string>());
        Assert.Equal("?x=1", echo["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_disabled_proxy_passes_the_request_on()
    {
        await using var backend = await ProxyBackend.StartAsync("a");
        await using var gateway = await ProxyGateway.StartAsync($"""
            proxy.hosts: {backend.BaseUrl}
            proxy.enabled: false
            """);

        var response = await gateway.Client.GetAsync("/v1/x");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", (await ProxyGateway.ErrorAsync(response))["code"]!.GetValue<string>());
        Assert.Equal(0, backend.Requests);
    }

    /// <summary>A body whose length the client cannot know in advance, so it is sent chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 8192));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
