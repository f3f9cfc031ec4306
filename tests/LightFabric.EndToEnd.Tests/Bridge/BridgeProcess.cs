using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests.Bridge;

/// <summary>
/// A real <c>light-gateway bridge</c> child process driven as an MCP client would: JSON-RPC lines on its stdin,
/// every stdout line kept (to prove it carries nothing else) and answers matched by id.
/// </summary>
internal sealed partial class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly CapturedLines _stderr = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly ConcurrentDictionary<string, JsonObject> _answers = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _nextId;

    private BridgeProcess(Process process)
    {
        _process = process;
    }

    public static string GatewayDll => Path.Combine(AppContext.BaseDirectory, "light-gateway.dll");

    public IReadOnlyList<string> StdOutLines => _stdout.ToArray();

    public string StdErr => _stderr.Text;

    /// <summary>Waits until the bridge logs a line containing <paramref name="text"/> (stderr is read apart from stdout, so it may trail it).</summary>
    public async Task WaitForStdErrAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var next = _stderr.NextLine;
            if (_stderr.Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            var remaining = deadline - DateTime.UtcNow;
            try
            {
                await next.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"the bridge did not log \"{text}\" within {timeout}.\nstderr:\n{StdErr}");
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static BridgeProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(GatewayDll);
        info.ArgumentList.Add("bridge");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.ToArray())
        {
            if (key.StartsWith("LIGHT_", StringComparison.Ordinal) || key is "RUST_LOG")
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var bridge = new BridgeProcess(process);
        process.OutputDataReceived += (_, e) => bridge.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { bridge._stderr.Add(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bridge;
    }

    /// <summary>initialize + notifications/initialized, as an MCP client starts.</summary>
    public async Task<JsonObject> InitializeAsync()
    {
        var reply = await RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "bridge-e2e", ["version"] = "1.0.0" },
        });
        await NotifyAsync("notifications/initialized");
        return reply;
    }

    public async Task<JsonObject> RequestAsync(string method, JsonObject? parameters = null, TimeSpan? timeout = null)
    {
        var id = "c" + Interlocked.Increment(ref _nextId);
        var answer = _waiting.GetOrAdd(id, _ => new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously));
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        await WriteAsync(message);
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        try
        {
            return await answer.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no answer to {method} ({id}) within {limit}.\nstdout:\n{string.Join("\n", _stdout)}\nstderr:\n{StdErr}");
        }
    }

    public Task<JsonObject> CallToolAsync(string name, JsonObject arguments, TimeSpan? timeout = null) =>
        RequestAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments }, timeout);

    public Task NotifyAsync(string method) => WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method });

    public void CloseStdin() => _process.StandardInput.Close();

    public void Signal(PosixSignalNumber signal) => PosixSignals.Send(_process.Id, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the bridge did not exit within {timeout}.\nstderr:\n{StdErr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Every stdout line parses as one JSON-RPC 2.0 message.</summary>
    public void AssertStdoutIsOnlyJsonRpc()
    {
        var lines = StdOutLines;
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            JsonNode? node = null;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (System.Text.Json.JsonException)
            {
            }

            Assert.True(node is JsonObject o && o["jsonrpc"]?.GetValue<string>() == "2.0",
                $"stdout carried a line that is not a JSON-RPC message: {line}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WriteAsync(JsonObject message)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(message.ToJsonString());
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            return;
        }

        _stdout.Enqueue(line);
        try
        {
            if (JsonNode.Parse(line) is JsonObject message && message["id"] is JsonValue id && message["method"] is null)
            {
                var key = id.ToString();
                _answers[key] = message;
                _waiting.GetOrAdd(key, _ => new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(message);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Kept in _stdout; AssertStdoutIsOnlyJsonRpc reports it.
        }
    }
}
