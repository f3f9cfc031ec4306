using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// Starts a stdio upstream's process and speaks newline-delimited JSON-RPC with it. The gateway's own instead of the
/// SDK's because every line from the child is read with a limit (<see cref="BoundedLineReader"/>): an answer larger
/// than <c>maxMessageBytes</c> is dropped while it is read instead of being buffered whole, and the pipe stays usable.
/// </summary>
internal sealed class StdioUpstreamTransport(
    UpstreamServerSettings settings, ILogger logger, Action<string> standardErrorLine, Action<int> processStarted) : IClientTransport
{
    public string Name => settings.Name;

    public Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<ITransport>(StdioUpstreamSession.Start(settings, logger, standardErrorLine, processStarted));
}

/// <summary>One running stdio child: its stdin for sends, its stdout read into messages, its stderr into log lines.</summary>
internal sealed partial class StdioUpstreamSession : ITransport, ISerializedMessageTransport
{
    /// <summary>How long the child may take to exit on its own once its input is closed before its tree is killed.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    /// <summary>How long the output may stay open after the process exited (a grandchild may hold it) before it is given up.</summary>
    private static readonly TimeSpan OutputAfterExit = TimeSpan.FromSeconds(2);
    private static readonly ReadOnlyMemory<byte> Newline = "\n"u8.ToArray();
    private static readonly JsonTypeInfo MessageType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    /// <summary>A stderr line is for a human; longer ones are cut.</summary>
    private const int MaxStderrLineBytes = 8 * 1024;
    private const int StderrTailLines = 5;

    private readonly string _serverName;
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly ILogger _logger;
    private readonly Action<string> _stderrLine;
    private readonly Channel<JsonRpcMessage> _messages = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _stderrTail = new();
    private readonly Lock _oversizeLock = new();
    private readonly List<OversizeMessage> _unreportedOversize = [];
    private Action<OversizeMessage>? _oversizeHandler;
    private Task _readStdout = Task.CompletedTask;
    private Task _readStderr = Task.CompletedTask;
    private int _disposed;

    private StdioUpstreamSession(string serverName, Process process, ILogger logger, Action<string> stderrLine, int maxMessageBytes)
    {
        _serverName = serverName;
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _logger = logger;
        _stderrLine = stderrLine;
        Output = new BoundedLineReader(process.StandardOutput.BaseStream, maxMessageBytes);
    }

    public string? SessionId => null;

    public ChannelReader<JsonRpcMessage> MessageReader => _messages.Reader;

    public int ProcessId { get; private set; }

    /// <summary>The reader of the child's stdout (its limit and the largest buffer it held).</summary>
    internal BoundedLineReader Output { get; }

    public static StdioUpstreamSession Start(UpstreamServerSettings settings, ILogger logger, Action<string> stderrLine, Action<int> processStarted)
    {
        if (settings.Command.Count == 0)
        {
            throw new InvalidOperationException("no command is configured");
        }

        var startInfo = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            WorkingDirectory = settings.WorkingDirectory ?? "",
        };
        var (program, arguments) = (settings.Command[0], settings.Command.Skip(1));
        if (OperatingSystem.IsWindows() && !string.Equals(Path.GetExtension(program), ".exe", StringComparison.OrdinalIgnoreCase))
        {
            // npx, npm and friends are .cmd scripts there, which only cmd.exe can run.
            (program, arguments) = ("cmd.exe", ["/c", program, .. arguments]);
        }

        startInfo.FileName = program;
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The child's whole environment: the safe base set plus its own variables (or everything with inheritEnv).
        startInfo.Environment.Clear();
        foreach (var (name, value) in StdioEnvironment.Build(settings))
        {
            if (value is not null)
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"'{program}' could not be started: {ex.Message}", ex);
        }

        var session = new StdioUpstreamSession(settings.Name, process, logger, stderrLine, settings.MaxMessageBytes);
        session.ProcessId = process.Id;
        processStarted(process.Id);
        session._readStderr = Task.Run(session.ReadStderrAsync, CancellationToken.None);
        session._readStdout = Task.Run(session.ReadStdoutAsync, CancellationToken.None);
        _ = session.WatchExitAsync();
        return session;
    }

    /// <summary>
    /// Receives each message dropped for its size. Ones dropped before a handler was set are handed over when it is,
    /// so an over-size answer to initialize is not lost.
    /// </summary>
    public void OnOversizeMessage(Action<OversizeMessage> handler)
    {
        OversizeMessage[] earlier;
        lock (_oversizeLock)
        {
            _oversizeHandler = handler;
            earlier = [.. _unreportedOversize];
            _unreportedOversize.Clear();
        }

        foreach (var message in earlier)
        {
            handler(message);
        }
    }

    public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) =>
        await SendSerializedAsync(JsonSerializer.SerializeToUtf8Bytes(message, MessageType), cancellationToken).ConfigureAwait(false);

    public async Task SendSerializedAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _stdin.WriteAsync(message, ct).ConfigureAwait(false);
            await _stdin.WriteAsync(Newline, ct).ConfigureAwait(false);
            await _stdin.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Closing its input asks the server to exit. Off this task: a child that is stopped (SIGSTOP) or not reading
        // has a full pipe, and closing a stream with a blocked write waits for that write.
        _ = Task.Run(() =>
        {
            try
            {
                _stdin.Dispose();
            }
            catch (Exception)
            {
                // Gone already; the kill below ends it either way.
            }
        });

        if (!await ExitedWithinAsync(ShutdownTimeout).ConfigureAwait(false))
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // It exited meanwhile.
            }

            if (!await ExitedWithinAsync(ExitWait).ConfigureAwait(false))
            {
                LogDidNotExit(_logger, _serverName, ProcessId);
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_readStdout, _readStderr).WaitAsync(ExitWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild may hold the pipes open; the readers end when it does, nothing waits for them.
        }

        _messages.Writer.TryComplete();
        _process.Dispose();
    }

    /// <summary>
    /// The output normally ends with the process. A grandchild that inherited it (a server started through a shell)
    /// can keep it open after the server died, which would leave the connection up with nobody behind it.
    /// </summary>
    private async Task WatchExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            if (await Task.WhenAny(_readStdout, Task.Delay(OutputAfterExit)).ConfigureAwait(false) != _readStdout)
            {
                await _stop.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // Disposed meanwhile.
        }
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan wait)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(wait).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private async Task ReadStdoutAsync()
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await Output.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (read.IsEnd)
                {
                    break;
                }

                if (read.IsOversize)
                {
                    Report(OversizeMessage.From(read.OversizeLength, Output.MaxLineBytes, read.Head.Span, read.Tail.Span));
                    continue;
                }

                if (read.Line.Span.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                JsonRpcMessage? message;
                try
                {
                    message = JsonSerializer.Deserialize(read.Line.Span, MessageType) as JsonRpcMessage;
                }
                catch (JsonException ex)
                {
                    // A server that writes something else to stdout: that line is skipped, the session goes on.
                    LogNotJsonRpc(_logger, _serverName, ex.Message);
                    continue;
                }

                if (message is not null)
                {
                    _messages.Writer.TryWrite(message);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        // The output ended: the child exited or closed it. Its exit code and last stderr lines say why.
        int? exitCode = null;
        if (await ExitedWithinAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false))
        {
            try
            {
                exitCode = _process.ExitCode;
                await _readStderr.WaitAsync(ShutdownTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
            }
        }

        _messages.Writer.TryComplete(new ClientTransportClosedException(new StdioClientCompletionDetails
        {
            ProcessId = ProcessId,
            ExitCode = exitCode,
            StandardErrorTail = [.. _stderrTail],
            Exception = failure,
        }));
    }

    private async Task ReadStderrAsync()
    {
        try
        {
            var reader = new BoundedLineReader(_process.StandardError.BaseStream, MaxStderrLineBytes);
            while (true)
            {
                var read = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (read.IsEnd)
                {
                    return;
                }

                var line = read.IsOversize
                    ? $"{Encoding.UTF8.GetString(read.Head.Span)}… ({read.OversizeLength} bytes, cut)"
                    : Encoding.UTF8.GetString(read.Line.Span);
                _stderrTail.Enqueue(line);
                while (_stderrTail.Count > StderrTailLines && _stderrTail.TryDequeue(out _))
                {
                }

                _stderrLine(line);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    private void Report(OversizeMessage message)
    {
        Action<OversizeMessage>? handler;
        lock (_oversizeLock)
        {
            handler = _oversizeHandler;
            if (handler is null)
            {
                _unreportedOversize.Add(message);
                return;
            }
        }

        handler(message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}' wrote a line to stdout that is not a JSON-RPC message; skipped: {Reason}")]
    private static partial void LogNotJsonRpc(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream MCP server '{Server}': process {ProcessId} did not exit after it was killed")]
    private static partial void LogDidNotExit(ILogger logger, string server, int processId);
}
