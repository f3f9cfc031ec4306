using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests;

/// <summary>A real light-gateway child process with its output captured line by line.</summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CapturedLines _stdout = new();
    private readonly CapturedLines _stderr = new();

    private GatewayProcess(Process process)
    {
        _process = process;
    }

    public string StdOut => _stdout.Text;

    public string StdErr => _stderr.Text;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="ignoreHangup">Start it as <c>nohup</c> does: with SIGHUP ignored from exec on (a shell traps it and execs).</param>
    public static GatewayProcess Start(string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null,
        bool ignoreHangup = false)
    {
        var info = new ProcessStartInfo(ignoreHangup ? "sh" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ignoreHangup)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("trap '' HUP; exec \"$0\" \"$@\"");
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(GatewayDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // A clean environment: nothing from the developer's shell leaks into the gateway under test.
        foreach (var key in info.Environment.Keys.ToArray())
        {
            if (key.StartsWith("LIGHT_", StringComparison.Ordinal) || key.StartsWith("SERVER_", StringComparison.Ordinal)
                || key is "RUST_LOG" or "light_4j_config_password" or "light_portal_authorization")
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { gateway._stdout.Add(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { gateway._stderr.Add(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var gateway = Start(workingDirectory, args, environment);
        var code = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, gateway.StdOut, gateway.StdErr);
    }

    /// <summary>Waits for "ready: listening on URL" and returns the first URL.</summary>
    public async Task<Uri> WaitForReadyAsync()
    {
        var line = await WaitForLineAsync(l => l.Contains("ready: listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return new Uri(ListeningUrl().Match(line).Groups[1].Value);
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var exited = _process.WaitForExitAsync();
        while (true)
        {
            var next = Task.WhenAny(_stdout.NextLine, _stderr.NextLine);
            var found = _stdout.Lines.FirstOrDefault(predicate) ?? _stderr.Lines.FirstOrDefault(predicate);
            if (found is not null)
            {
                return found;
            }

            if (exited.IsCompleted)
            {
                // WaitForExitAsync completes after the redirected streams reached their end: every line is in.
                found = _stdout.Lines.FirstOrDefault(predicate) ?? _stderr.Lines.FirstOrDefault(predicate);
                return found ?? throw new InvalidOperationException(
                    $"light-gateway exited with {_process.ExitCode} before the expected output.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
            }

            var remaining = deadline - DateTime.UtcNow;
            try
            {
                await Task.WhenAny(next, exited).WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"expected output did not appear within {timeout}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
            }
        }
    }

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
            throw new TimeoutException($"light-gateway did not exit within {timeout}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
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

    private static string GatewayDll { get; } = FindGatewayDll();

    private static string FindGatewayDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "light-gateway.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "light-gateway.runtimeconfig.json")))
        {
            return local;
        }

        throw new FileNotFoundException($"light-gateway.dll with its runtimeconfig was not found in {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"listening on (https?://[0-9A-Za-z.\[\]:-]+)")]
    private static partial Regex ListeningUrl();
}

/// <summary>Sends POSIX signals to child processes (libc kill), as an operator or systemd would.</summary>
public static partial class PosixSignals
{
    public static void Send(int pid, PosixSignalNumber signal)
    {
        if (Kill(pid, (int)signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

public enum PosixSignalNumber
{
    SIGHUP = 1,
    SIGINT = 2,
    SIGKILL = 9,
    SIGTERM = 15,
}
