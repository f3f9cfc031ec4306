using System.Text.Json.Nodes;
using LightFabric.Mcp.Upstream;
using LightFabric.Testing;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace LightFabric.Mcp.Tests;

/// <summary>Transports and settings for the real peers: server-everything from npm and the scripted stdio server.</summary>
internal static class Peers
{
    public static McpPeers Npm => McpPeers.Instance;

    /// <summary>Peers/scripted-server.mjs, run from the source tree.</summary>
    public static string ScriptedServer => Path.Combine(Npm.RepoRoot, "tests", "LightFabric.Mcp.Tests", "Peers", "scripted-server.mjs");

    public static IClientTransport EverythingStdio() => Stdio(Npm.EverythingServerScript, "stdio");

    public static IClientTransport ScriptedStdio(params string[] arguments) => Stdio([ScriptedServer, .. arguments]);

    public static IClientTransport Stdio(params string[] arguments) => new StdioClientTransport(new StdioClientTransportOptions
    {
        Command = Npm.NodePath,
        Arguments = arguments,
        ShutdownTimeout = TimeSpan.FromMilliseconds(500),
    });

    public static IClientTransport Http(Uri url, HttpTransportMode mode) =>
        new HttpClientTransport(new HttpClientTransportOptions { Endpoint = url, TransportMode = mode });

    public static UpstreamServerSettings EverythingStdioSettings(string name) => new()
    {
        Name = name,
        Transport = UpstreamTransportKind.Stdio,

        // The marker argument is ignored by server-everything; it makes the child findable in a process listing.
        Command = [Npm.NodePath, Npm.EverythingServerScript, "stdio", "--lf-test=" + name],
        RestartDelay = TimeSpan.FromMilliseconds(200),
        MaxRestartDelay = TimeSpan.FromSeconds(1),
        ConnectTimeout = TimeSpan.FromSeconds(20),
    };

    public static UpstreamServerSettings ScriptedSettings(string name, params string[] arguments) => new()
    {
        Name = name,
        Transport = UpstreamTransportKind.Stdio,
        Command = [Npm.NodePath, ScriptedServer, .. arguments],
        RestartDelay = TimeSpan.FromMilliseconds(200),
        MaxRestartDelay = TimeSpan.FromSeconds(1),
        ConnectTimeout = TimeSpan.FromSeconds(20),
    };

    public static ILoggerFactory Logging(out LogCapture capture)
    {
        capture = new LogCapture();
        var provider = capture;
        return LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
    }

    /// <summary>The text of a tools/call result's first content block.</summary>
    public static string Text(JsonNode? result) =>
        result?["content"]?[0]?["text"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no text content in {result?.ToJsonString()}");

    public static JsonObject Call(string tool, JsonObject? arguments = null) =>
        new() { ["name"] = tool, ["arguments"] = arguments ?? new JsonObject() };

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for: {what}");
            }

            await Task.Delay(25);
        }
    }
}

/// <summary>server-everything over Streamable HTTP and SSE, started once for a test class.</summary>
public sealed class EverythingHttpFixture : IAsyncLifetime
{
    public EverythingHttpServer StreamableHttp { get; private set; } = null!;

    public EverythingHttpServer Sse { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var streamable = McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        var sse = McpPeers.Instance.StartEverythingHttpAsync("sse");
        StreamableHttp = await streamable;
        Sse = await sse;
    }

    public async Task DisposeAsync()
    {
        await StreamableHttp.DisposeAsync();
        await Sse.DisposeAsync();
    }
}
