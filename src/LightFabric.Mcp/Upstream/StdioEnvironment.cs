using System.Collections;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// Builds a stdio upstream's environment. By default a child sees only a small safe base set from the gateway's
/// environment plus its own configured variables, so gateway secrets (API keys, tokens) do not leak into third-party
/// MCP servers.
/// </summary>
internal static class StdioEnvironment
{
    private static readonly string[] SafeNames =
    [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "TZ", "TMPDIR", "TEMP", "TMP",
        "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    ];

    private static readonly string[] WindowsSafeNames =
        ["SystemRoot", "ComSpec", "PATHEXT", "APPDATA", "LOCALAPPDATA", "USERPROFILE", "ProgramFiles"];

    public static Dictionary<string, string?> Build(UpstreamServerSettings settings) =>
        Build(settings, Environment.GetEnvironmentVariables(), OperatingSystem.IsWindows());

    internal static Dictionary<string, string?> Build(UpstreamServerSettings settings, IDictionary gatewayEnvironment, bool windows)
    {
        var comparer = windows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var result = new Dictionary<string, string?>(comparer);
        foreach (DictionaryEntry entry in gatewayEnvironment)
        {
            if (entry.Key is not string name || entry.Value is not string value)
            {
                continue;
            }

            // Exported shell functions ("() { ...") are never forwarded; they are a known injection vector.
            if (settings.InheritEnvironment || (IsSafe(name, windows) && !value.StartsWith("()", StringComparison.Ordinal)))
            {
                result[name] = value;
            }
        }

        foreach (var (name, value) in settings.Environment)
        {
            result[name] = value;
        }

        return result;
    }

    private static bool IsSafe(string name, bool windows)
    {
        var comparison = windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return SafeNames.Any(n => string.Equals(n, name, comparison))
            || name.StartsWith("LC_", comparison)
            || (windows && WindowsSafeNames.Any(n => string.Equals(n, name, comparison)));
    }
}
