using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LightFabric.Config;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>
/// Upstream server entries → <see cref="UpstreamServerEntry"/>s: name, transport, command or URL, prefix, tool filter
/// and the timing and size bounds. An entry with a problem is reported and left out.
/// </summary>
public static partial class McpServerValidator
{
    public static IReadOnlyList<UpstreamServerEntry> Servers(
        IEnumerable<(string Key, McpServerConfig Server, string? ImpliedName)> entries, Action<string, string> problem)
    {
        var result = new List<UpstreamServerEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, entry, impliedName) in entries)
        {
            if (Server(entry, key, impliedName, problem) is not { } server)
            {
                continue;
            }

            if (!names.Add(server.Settings.Name))
            {
                problem($"{key}.name", $"server name '{server.Settings.Name}' is used twice; server names must be unique");
                continue;
            }

            result.Add(server);
        }

        return result;
    }

    private static UpstreamServerEntry? Server(McpServerConfig entry, string key, string? impliedName, Action<string, string> problem)
    {
        var ok = true;
        var name = (entry.Name is { Length: > 0 } written ? written : null) ?? impliedName;
        if (string.IsNullOrWhiteSpace(name) || !ServerName().IsMatch(name))
        {
            problem($"{key}.name", name is null ? "is required" : $"'{name}' must be 1-64 of A-Z a-z 0-9 _ -");
            return null;
        }

        var transportText = (entry.Transport ?? "").ToLowerInvariant();
        UpstreamTransportKind transport;
        switch (transportText)
        {
            case "stdio":
                transport = UpstreamTransportKind.Stdio;
                break;
            case "sse":
                transport = UpstreamTransportKind.Sse;
                break;
            case "http" or "streamable-http" or "streamablehttp" or "streamable_http":
                transport = UpstreamTransportKind.Http;
                break;
            default:
                problem($"{key}.transport", transportText.Length == 0 ? "is required: stdio, sse or http" : $"'{transportText}' is not a transport; use stdio, sse or http");
                return null;
        }

        IReadOnlyList<string> command = [];
        Uri? url = null;
        if (transport == UpstreamTransportKind.Stdio)
        {
            command = Command(entry);
            if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
            {
                problem($"{key}.command", "is required for stdio: the program and its arguments, e.g. [\"npx\", \"-y\", \"@modelcontextprotocol/server-everything\"]");
                ok = false;
            }
        }
        else
        {
            var urlText = entry.Url is { Length: > 0 } u ? u : null;
            if (urlText is null || !Uri.TryCreate(urlText, UriKind.Absolute, out url) || (url.Scheme != "http" && url.Scheme != "https"))
            {
                problem($"{key}.url", urlText is null ? $"is required for {transportText}" : $"'{urlText}' is not an absolute http or https URL");
                ok = false;
            }
        }

        var prefix = entry.Prefix is { Length: > 0 } p ? p : name;
        if (!ServerName().IsMatch(prefix))
        {
            problem($"{key}.prefix", $"'{prefix}' must be 1-64 of A-Z a-z 0-9 _ -");
            ok = false;
        }

        var filter = entry.Tools is { } tools ? new ToolNameFilter(tools.Include, tools.Exclude) : ToolNameFilter.All;
        var defaults = new UpstreamServerSettings { Name = name, Transport = transport };
        var settings = defaults with
        {
            Command = command,
            Environment = Texts(entry.Env),
            InheritEnvironment = entry.InheritEnv ?? false,
            WorkingDirectory = entry.Cwd is { Length: > 0 } cwd ? cwd : null,
            Url = url,
            Headers = Texts(entry.Headers),
            RequestTimeout = NumberBounds.Millis(entry.TimeoutMs, $"{key}.timeoutMs", problem) ?? defaults.RequestTimeout,
            ConnectTimeout = NumberBounds.Millis(entry.ConnectTimeoutMs, $"{key}.connectTimeoutMs", problem) ?? defaults.ConnectTimeout,
            RestartDelay = NumberBounds.Millis(entry.RestartDelayMs, $"{key}.restartDelayMs", problem) ?? defaults.RestartDelay,
            MaxRestartDelay = NumberBounds.Millis(entry.MaxRestartDelayMs, $"{key}.maxRestartDelayMs", problem) ?? defaults.MaxRestartDelay,
            HealthCheckInterval = NumberBounds.Millis(entry.HealthCheckIntervalMs, $"{key}.healthCheckIntervalMs", problem) ?? defaults.HealthCheckInterval,
            HealthCheckTimeout = NumberBounds.Millis(entry.HealthCheckTimeoutMs, $"{key}.healthCheckTimeoutMs", problem) ?? defaults.HealthCheckTimeout,
            HealthCheckMisses = NumberBounds.Check(entry.HealthCheckMisses, $"{key}.healthCheckMisses", 1, problem, 100) ?? defaults.HealthCheckMisses,
            MaxMessageBytes = NumberBounds.Check(entry.MaxMessageBytes, $"{key}.maxMessageBytes", 1024, problem, 1024 * 1024 * 1024) ?? defaults.MaxMessageBytes,
        };
        return ok ? new UpstreamServerEntry(settings, prefix, filter, entry.Required ?? true) : null;
    }

    /// <summary><c>command: [prog, args…]</c>, or <c>command: prog</c> with <c>args: [...]</c>; a JSON array as text is read too.</summary>
    private static List<string> Command(McpServerConfig entry)
    {
        var command = entry.Command switch
        {
            JsonArray array => array.Select(n => n?.ToString() ?? "").ToList(),
            JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().TrimStart().StartsWith('[')
                => ConfigBinder.StringList(value).ToList(),
            JsonValue value => [value.ToString()],
            _ => [],
        };
        command.AddRange(entry.Args);
        return command;
    }

    private static Dictionary<string, string> Texts(IReadOnlyDictionary<string, string?> map) =>
        map.ToDictionary(p => p.Key, p => p.Value ?? "", StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ServerName();
}
