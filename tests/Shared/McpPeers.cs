using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LightFabric.Testing;

/// <summary>
/// The real MCP peers from npm (tests/mcp-peers), installed once per machine with <c>npm ci</c> the first time a test
/// needs them. Process-wide: use <see cref="Instance"/>.
/// </summary>
public sealed class McpPeers
{
    private static readonly Lazy<McpPeers> Shared = new(() => new McpPeers(), LazyThreadSafetyMode.ExecutionAndPublication);

    private McpPeers()
    {
        RepoRoot = FindRepoRoot();
        PeersDirectory = Path.Combine(RepoRoot, "tests", "mcp-peers");
        NodePath = NpmInstall.FindOnPath(OperatingSystem.IsWindows() ? "node.exe" : "node")
            ?? throw new InvalidOperationException("node was not found on PATH; the MCP peer tests need Node.js 20 or later");
        EverythingServerScript = Path.Combine(PeersDirectory, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        EnsureInstalled();
    }

    public static McpPeers Instance => Shared.Value;

    /// <summary>The folder holding LightFabric.sln.</summary>
    public string RepoRoot { get; }

    /// <summary>tests/mcp-peers (package.json, node_modules).</summary>
    public string PeersDirectory { get; }

    /// <summary>Absolute path of node from PATH.</summary>
    public string NodePath { get; }

    /// <summary>The MCP Inspector's command-line entry (run with <c>--cli URL --transport http|sse --method …</c>).</summary>
    public string InspectorCli => Path.Combine(PeersDirectory, "node_modules", "@modelcontextprotocol", "inspector", "cli", "build", "cli.js");

    /// <summary>@modelcontextprotocol/server-everything's dist/index.js; its first argument is stdio, sse or streamableHttp.</summary>
    public string EverythingServerScript { get; }

    /// <summary>
    /// Starts server-everything over HTTP on 127.0.0.1 and waits until it accepts connections.
    /// </summary>
    /// <param name="mode"><c>streamableHttp</c> (served at /mcp) or <c>sse</c> (GET /sse, POST /message).</param>
    /// <param name="port">A fixed port (e.g. to restart a server where it was); null picks a free one.</param>
    public async Task<EverythingHttpServer> StartEverythingHttpAsync(string mode, int? port = null)
    {
        var path = mode switch
        {
            "streamableHttp" => "/mcp",
            "sse" => "/sse",
            _ => throw new ArgumentException($"unknown server-everything mode '{mode}' (streamableHttp or sse)", nameof(mode)),
        };
        var chosenPort = port ?? FreePort();
        var startInfo = new ProcessStartInfo(NodePath)
        {
            WorkingDirectory = PeersDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(EverythingServerScript);
        startInfo.ArgumentList.Add(mode);
        startInfo.Environment["PORT"] = chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var output = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new EverythingHttpServer(process, new Uri($"http://127.0.0.1:{chosenPort}{path}"), chosenPort, output);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"server-everything {mode} exited with code {process.ExitCode} before listening on port {chosenPort}:\n{server.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, chosenPort);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"server-everything {mode} did not listen on port {chosenPort} within 30 s:\n{server.Output}");
            }
        }
    }

    /// <summary>A port that was free a moment ago (bind port 0, read it, close).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>Every dependency of package.json is in node_modules (a dependency added later triggers npm ci again).</summary>
    private bool Installed()
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(PeersDirectory, "package.json")));
        return File.Exists(EverythingServerScript)
            && manifest.RootElement.GetProperty("dependencies").EnumerateObject()
                .All(d => File.Exists(Path.Combine(PeersDirectory, "node_modules", d.Name, "package.json")));
    }

    private void EnsureInstalled() => NpmInstall.EnsureInstalled(PeersDirectory, Installed);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LightFabric.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"LightFabric.sln was not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A running server-everything over HTTP; disposing kills its process tree.</summary>
public sealed class EverythingHttpServer : IAsyncDisposable
{
    private readonly StringBuilder _output;

    internal EverythingHttpServer(Process process, Uri mcpUrl, int port, StringBuilder output)
    {
        Process = process;
        McpUrl = mcpUrl;
        Port = port;
        _output = output;
    }

    public Process Process { get; }

    /// <summary>http://127.0.0.1:port/mcp (streamableHttp) or /sse (sse).</summary>
    public Uri McpUrl { get; }

    public int Port { get; }

    /// <summary>What the server printed so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
        }

        Process.Dispose();
    }
}
