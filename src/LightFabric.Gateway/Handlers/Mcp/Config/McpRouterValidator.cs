using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Routing;
using LightFabric.Mcp.Server;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>The endpoint's own settings (path, limits, modes, trusted proxies); tools and servers have their own validators.</summary>
public static class McpRouterValidator
{
    public static McpRouterSettings Settings(McpRouterConfig config, Action<string, string> problem)
    {
        var defaults = new McpRouterSettings();
        var path = config.Path is { Length: > 0 } written ? written : defaults.Path;
        if (!path.StartsWith('/'))
        {
            problem("path", $"'{path}' must start with '/' (e.g. /mcp)");
        }

        return defaults with
        {
            Enabled = config.Enabled,
            Path = path,
            MaxSessions = NumberBounds.Check(config.MaxSessions, "maxSessions", 1, problem) ?? defaults.MaxSessions,
            MaxSessionsPerClient = NumberBounds.Check(config.MaxSessionsPerClient, "maxSessionsPerClient", 1, problem) ?? defaults.MaxSessionsPerClient,
            SessionIdleTimeout = NumberBounds.Millis(config.SessionIdleTimeoutMs, "sessionIdleTimeoutMs", problem) ?? defaults.SessionIdleTimeout,
            MaxRequestBodyBytes = NumberBounds.Check(config.MaxRequestBodyBytes, "maxRequestBodyBytes", 1024, problem) ?? defaults.MaxRequestBodyBytes,
            MaxResponseBodyBytes = NumberBounds.Check(config.MaxResponseBodyBytes, "maxResponseBodyBytes", 1024, problem) ?? defaults.MaxResponseBodyBytes,
            MaxJsonDepth = NumberBounds.Check(config.MaxJsonDepth, "maxJsonDepth", 8, problem) ?? defaults.MaxJsonDepth,
            OriginAllowlist = config.OriginAllowlist,
            DnsRebindingProtection = RebindingMode(config.DnsRebindingProtection, problem),
            StatelessEnabled = config.Protocols.Stateless.Enabled,
            AllowedHosts = config.AllowedHosts,
            TrustedProxies = TrustedProxies(config.TrustedProxies, problem),
            ToolsPageSize = NumberBounds.Check(config.ToolsPageSize, "toolsPageSize", 1, problem) ?? defaults.ToolsPageSize,
            UpstreamStartupWait = NumberBounds.Millis(config.UpstreamStartupWaitMs, "upstreamStartupWaitMs", problem) ?? defaults.UpstreamStartupWait,
            HttpToolTimeout = NumberBounds.Millis(config.HttpToolTimeoutMs, "httpToolTimeoutMs", problem) ?? defaults.HttpToolTimeout,
            PrefixMode = PrefixMode(config.PrefixMode, problem),
        };
    }

    private static DnsRebindingProtection RebindingMode(string? text, Action<string, string> problem)
    {
        if (text is not { Length: > 0 })
        {
            return DnsRebindingProtection.Auto;
        }

        if (Enum.TryParse<DnsRebindingProtection>(text, ignoreCase: true, out var mode) && !int.TryParse(text, out _))
        {
            return mode;
        }

        if (bool.TryParse(text, out var flag))
        {
            return flag ? DnsRebindingProtection.On : DnsRebindingProtection.Off;
        }

        problem("dnsRebindingProtection", $"'{text}' is not a mode; use auto, on or off");
        return DnsRebindingProtection.Auto;
    }

    private static List<System.Net.IPNetwork> TrustedProxies(IReadOnlyList<string> entries, Action<string, string> problem)
    {
        var networks = new List<System.Net.IPNetwork>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (ClientAddress.TryParseNetwork(entries[i], out var network))
            {
                networks.Add(network);
            }
            else
            {
                problem($"trustedProxies[{i}]", $"'{entries[i]}' is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.10, fd00::/8)");
            }
        }

        return networks;
    }

    private static ToolPrefixMode PrefixMode(string? text, Action<string, string> problem)
    {
        if (text is not { Length: > 0 })
        {
            return ToolPrefixMode.Conditional;
        }

        if (Enum.TryParse<ToolPrefixMode>(text, ignoreCase: true, out var mode) && !int.TryParse(text, out _))
        {
            return mode;
        }

        problem("prefixMode", $"'{text}' is not a prefix mode; use always, conditional or never");
        return ToolPrefixMode.Conditional;
    }
}
