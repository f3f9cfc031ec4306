namespace LightFabric.Mcp.Upstream;

public enum UpstreamTransportKind
{
    /// <summary>A child process speaking newline-delimited JSON-RPC on stdin/stdout.</summary>
    Stdio,

    /// <summary>The 2024-11-05 HTTP+SSE transport (GET event stream, POST to the announced endpoint).</summary>
    Sse,

    /// <summary>MCP Streamable HTTP.</summary>
    Http,
}

/// <summary>One entry of <c>servers:</c> in mcp-router.yml, validated. Immutable.</summary>
public sealed record UpstreamServerSettings
{
    /// <summary>Unique name; used in logs, errors and as the default tool-name prefix.</summary>
    public required string Name { get; init; }

    public required UpstreamTransportKind Transport { get; init; }

    /// <summary>stdio: the program and its arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>stdio: environment added to the safe base set (values already expanded).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>stdio: pass the gateway's whole environment instead of the safe base set.</summary>
    public bool InheritEnvironment { get; init; }

    /// <summary>stdio: working directory, or null for the gateway's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>sse/http: the server's URL.</summary>
    public Uri? Url { get; init; }

    /// <summary>sse/http: headers sent with every request (e.g. an API key).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How long one request (e.g. tools/call) may take before it is cancelled and fails.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long connecting plus initialize may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay before a restart/reconnect; doubles up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the upstream is pinged (a frozen or vanished server is otherwise noticed only by timeouts).</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one health-check ping may go unanswered before it counts as missed.</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed pings in a row after which the upstream is taken down and restarted (or reconnected).</summary>
    public int HealthCheckMisses { get; init; } = 3;

    /// <summary>
    /// stdio and http: the most one message from the upstream may hold (a stdio line; an http answer body or one event
    /// of an SSE answer). A larger one is dropped while it is read and fails the call it answers.
    /// </summary>
    public int MaxMessageBytes { get; init; } = StreamableHttpRequester.DefaultMaxAnswerBytes;

    /// <summary>
    /// Identity of everything that needs a new connection when it changes; a reload keeps a running server
    /// whose fingerprint is unchanged.
    /// </summary>
    public string Fingerprint => string.Join('\u001f',
        Name, Transport, string.Join('\u001e', Command),
        string.Join('\u001e', Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value)),
        InheritEnvironment, WorkingDirectory, Url,
        string.Join('\u001e', Headers.OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase).Select(e => e.Key + "=" + e.Value)),
        RequestTimeout, ConnectTimeout, RestartDelay, MaxRestartDelay, HealthCheckInterval,
        HealthCheckTimeout, HealthCheckMisses, MaxMessageBytes);
}
