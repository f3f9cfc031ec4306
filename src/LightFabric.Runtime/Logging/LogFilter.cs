using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Logging;

/// <summary>
/// An EnvFilter-style log filter (<c>info,light_gateway=debug,light_gateway::security=off</c>) mapped onto
/// logger categories. Immutable; <see cref="LoggingControl"/> swaps instances atomically.
/// </summary>
public sealed class LogFilter
{
    // Rust-era targets keep working in configs written for the Rust gateway.
    private static readonly Dictionary<string, string> TargetAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["light_gateway"] = "LightFabric.Gateway",
        ["light_pingora"] = "LightFabric.Gateway",
        ["light_runtime"] = "LightFabric.Runtime",
        ["config_loader"] = "LightFabric.Config",
        ["light_config"] = "LightFabric.Config",
        ["light_rule"] = "LightFabric.Rules",
        ["light_cel"] = "LightFabric.Cel",
        ["light_mcp"] = "LightFabric.Mcp",
        ["portal_registry"] = "LightFabric.Runtime.Registry",
    };

    private readonly (string Prefix, LogLevel Level)[] _targets;

    private LogFilter(string text, LogLevel defaultLevel, (string Prefix, LogLevel Level)[] targets)
    {
        Text = text;
        DefaultLevel = defaultLevel;
        _targets = targets;
    }

    public static LogFilter Default { get; } = Parse("info");

    /// <summary>The filter as written.</summary>
    public string Text { get; }

    public LogLevel DefaultLevel { get; }

    public bool IsEnabled(string category, LogLevel level)
    {
        if (level == LogLevel.None)
        {
            return false;
        }

        var threshold = DefaultLevel;
        // Targets are sorted longest first, so the most specific one decides.
        foreach (var (prefix, targetLevel) in _targets)
        {
            if (category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (category.Length == prefix.Length || category[prefix.Length] == '.'))
            {
                threshold = targetLevel;
                break;
            }
        }

        return level >= threshold;
    }

    public static bool TryParse(string? text, out LogFilter filter, out string error)
    {
        try
        {
            filter = Parse(text);
            error = "";
            return true;
        }
        catch (FormatException ex)
        {
            filter = Default;
            error = ex.Message;
            return false;
        }
    }

    /// <exception cref="FormatException">The text is not a valid filter.</exception>
    public static LogFilter Parse(string? text)
    {
        text = (text ?? "").Trim();
        var defaultLevel = LogLevel.Information;
        var targets = new List<(string, LogLevel)>();
        foreach (var rawPart in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = rawPart.IndexOf('=');
            if (eq < 0)
            {
                if (TryParseLevel(rawPart, out var level))
                {
                    defaultLevel = level;
                }
                else
                {
                    // A bare target ("light_gateway") enables everything for it, as EnvFilter does.
                    targets.Add((NormalizeTarget(rawPart), LogLevel.Trace));
                }

                continue;
            }

            var target = rawPart[..eq].Trim();
            var levelText = rawPart[(eq + 1)..].Trim();
            if (target.Length == 0)
            {
                throw new FormatException($"invalid logging filter '{text}': directive '{rawPart}' has no target before '='");
            }

            if (!TryParseLevel(levelText, out var targetLevel))
            {
                throw new FormatException(
                    $"invalid logging filter '{text}': unknown level '{levelText}' in '{rawPart}' (use off, error, warn, info, debug or trace)");
            }

            targets.Add((NormalizeTarget(target), targetLevel));
        }

        // Framework and MCP SDK transport chatter stays at warn unless the filter names it.
        foreach (var quiet in QuietByDefault)
        {
            if (!targets.Any(t => t.Item1.StartsWith(quiet, StringComparison.OrdinalIgnoreCase)) && defaultLevel < LogLevel.Warning)
            {
                targets.Add((quiet, LogLevel.Warning));
            }
        }

        var sorted = targets.OrderByDescending(t => t.Item1.Length).ToArray();
        return new LogFilter(text.Length == 0 ? "info" : text, defaultLevel, sorted);
    }

    private static string[] QuietByDefault => ["Microsoft", "ModelContextProtocol"];

    private static string NormalizeTarget(string target)
    {
        var parts = target.Split("::");
        if (TargetAliases.TryGetValue(parts[0], out var mapped))
        {
            parts[0] = mapped;
        }

        return string.Join('.', parts);
    }

    private static bool TryParseLevel(string text, out LogLevel level)
    {
        switch (text.ToLowerInvariant())
        {
            case "off": level = LogLevel.None; return true;
            case "error": level = LogLevel.Error; return true;
            case "warn" or "warning": level = LogLevel.Warning; return true;
            case "info" or "information": level = LogLevel.Information; return true;
            case "debug": level = LogLevel.Debug; return true;
            case "trace": level = LogLevel.Trace; return true;
            default: level = LogLevel.None; return false;
        }
    }
}
