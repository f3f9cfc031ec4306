using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LightFabric.Policy.Benchmark;

/// <summary>
/// A redis-server for the redis-ledger target: Debian's package (installed with apt-get when missing and the bench runs
/// as root) on a free 127.0.0.1 port, no persistence, in a temp folder of its own.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";

    private readonly Process _process;
    private readonly string _directory;
    private int _disposed;

    private RedisProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public int ProcessId => _process.Id;

    /// <summary>Total CPU time redis-server has used: the redis target's ledger work happens there, outside the gateway.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<RedisProcess> StartAsync()
    {
        EnsureInstalled();
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("lf-policy-bench-redis-").FullName;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, directory, port);
        var deadline = Stopwatch.StartNew();
        while (!await redis.AnswersPingAsync())
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                await redis.DisposeAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"redis-server did not start on port {port}: {output}");
                }
            }

            await Task.Delay(50);
        }

        return redis;
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped early (to free the cores) and again by its await using.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void EnsureInstalled()
    {
        if (File.Exists(Executable))
        {
            return;
        }

        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException($"{Executable} not found: install Debian's redis-server (apt-get install redis-server)");
        }

        Run("update", "-q");
        Run("install", "-y", "-q", "redis-server");
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"apt-get install redis-server finished but {Executable} is still missing");
        }
    }

    private static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/apt-get") { UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        // Waits for another apt run to release its lock instead of failing.
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add("DPkg::Lock::Timeout=600");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var apt = Process.Start(start)!;
        if (!apt.WaitForExit(TimeSpan.FromMinutes(10)) || apt.ExitCode != 0)
        {
            throw new InvalidOperationException($"apt-get {string.Join(' ', arguments)} failed");
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
