using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LightFabric.Mcp.Benchmark;

/// <summary>A published light-gateway run as a child process with a temporary config folder.</summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private int _warnings;
    private string? _lastLine;
    private int _disposed;

    private GatewayProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>The gateway's listening address, e.g. http://127.0.0.1:40123.</summary>
    public string BaseUrl { get; private set; } = "";

    public int ProcessId => _process.Id;

    /// <summary>Log lines at warn or above seen on the gateway's console since start.</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    public string? LastWarning { get; private set; }

    public static string ValuesYaml(string upstreamUrl) => $"""
        server.ip: 127.0.0.1
        server.httpPort: 0
        server.serviceId: com.networknt.light-gateway-1.0.0
        server.environment: bench

        handler.handlers: [mcp]
        handler.paths:
          - {"{"}path: /mcp, method: POST, exec: [mcp]{"}"}
          - {"{"}path: /mcp, method: GET, exec: [mcp]{"}"}
          - {"{"}path: /mcp, method: DELETE, exec: [mcp]{"}"}

        mcp-router.servers:
          - name: fast
            transport: http
            url: "{upstreamUrl}"
        mcp-router.prefixMode: never
        mcp-router.maxSessions: 20000
        mcp-router.maxSessionsPerClient: 20000
        """;

    public static Task<GatewayProcess> StartAsync(string binary, string upstreamUrl) =>
        StartAsync(binary, new Dictionary<string, string> { ["values.yml"] = ValuesYaml(upstreamUrl) });

    /// <summary>Starts the gateway on a fresh folder whose config/ holds <paramref name="configFiles"/> (file name → text).</summary>
    public static async Task<GatewayProcess> StartAsync(string binary, IReadOnlyDictionary<string, string> configFiles)
    {
        var directory = Directory.CreateTempSubdirectory("lf-mcp-bench-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "config"));
        foreach (var (name, text) in configFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "config", name), text).ConfigureAwait(false);
        }

        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--dir");
        info.ArgumentList.Add(directory);
        // warn keeps the router's per-call info line out; the runtime's info lines stay for the ready line.
        info.Environment["LIGHT_LOG"] = "warn,LightFabric.Runtime=info";
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info };
        var self = new GatewayProcess(process, directory);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            self._lastLine = line;
            if (ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(match.Groups[1].Value);
            }
            else if ((line.Contains(" WARN ", StringComparison.Ordinal) || line.Contains(" ERROR ", StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref self._warnings);
                self.LastWarning = line;
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var completed = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
        if (completed == exited)
        {
            // A configuration the gateway refuses ends it at once; say why instead of waiting for the timeout.
            throw new InvalidOperationException($"light-gateway exited with {process.ExitCode} before it was ready: {self.LastWarning ?? self._lastLine ?? "(no output)"}");
        }

        if (completed != ready.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("light-gateway did not become ready within 60 s");
        }

        self.BaseUrl = await ready.Task.ConfigureAwait(false);
        return self;
    }

    /// <summary>Resident set size of the gateway process in bytes (VmRSS of /proc/PID/status).</summary>
    public long ReadRssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS not found");
    }

    /// <summary>Total CPU time (user + system) the gateway process has used.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Callers may stop a gateway early (to free the cores) and still hold it in an await using.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"ready: listening on (http://\S+)")]
    private static partial Regex ReadyLine();
}
