using LightFabric.Rules.Evaluation;

namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>Checks access-control.yml's choices and counts; a value with a problem is reported and left at its default.</summary>
public static class AccessControlConfigValidator
{
    private const long DefaultMaxResponseFilterBytes = 10L * 1024 * 1024;

    public static AccessControlSettings Settings(AccessControlConfig config, Action<string, string> problem)
    {
        var logic = Choice(config.AccessRuleLogic, "any");
        if (logic is not ("any" or "all"))
        {
            problem("accessRuleLogic", $"'{logic}' must be any or all");
        }

        var mode = Choice(config.Mode, "control");
        if (mode is not ("control" or "observe"))
        {
            problem("mode", $"'{mode}' must be control (deny refuses the call) or observe (the call goes on and is recorded as would-deny)");
        }

        var maxBytes = config.MaxResponseFilterBytes ?? DefaultMaxResponseFilterBytes;
        if (maxBytes <= 0)
        {
            problem("maxResponseFilterBytes", $"'{maxBytes}' must be a positive number of bytes");
            maxBytes = DefaultMaxResponseFilterBytes;
        }

        return new AccessControlSettings
        {
            Enabled = config.Enabled,
            Mode = mode == "observe" ? LightFabric.Governance.EnforcementMode.Observe : LightFabric.Governance.EnforcementMode.Control,
            Logic = logic == "all" ? AccessRuleLogic.All : AccessRuleLogic.Any,
            DefaultDeny = config.DefaultDeny,
            DefaultInclude = config.DefaultInclude,
            SkipPathPrefixes = config.SkipPathPrefixes,
            ClaimMappings = config.ClaimMappings,
            ToolsList = ToolsList(config.ToolsListAccessControl, problem),
            MaxResponseFilterBytes = maxBytes,
        };
    }

    private static ToolsListVisibilitySettings ToolsList(ToolsListAccessControlConfig config, Action<string, string> problem)
    {
        const string Key = "toolsListAccessControl";
        var mode = Choice(config.Mode, "none");
        if (mode is not ("none" or "permission" or "cel"))
        {
            problem($"{Key}.mode", $"'{mode}' must be none, permission or cel");
        }

        var fallback = Choice(config.UnknownRuleFallback, "hidden");
        if (fallback is not ("hidden" or "visible"))
        {
            problem($"{Key}.unknownRuleFallback", $"'{fallback}' must be hidden or visible");
        }

        var defaults = new ToolsListVisibilitySettings();
        return new ToolsListVisibilitySettings
        {
            Mode = mode switch { "permission" => ToolsListVisibilityMode.Permission, "cel" => ToolsListVisibilityMode.Cel, _ => ToolsListVisibilityMode.None },
            UnknownRuleVisible = fallback == "visible",
            MaxCelEvaluations = Count(config.MaxCelEvaluations, $"{Key}.maxCelEvaluations", defaults.MaxCelEvaluations, problem),
            MaxCacheEntries = Count(config.MaxCacheEntries, $"{Key}.maxCacheEntries", defaults.MaxCacheEntries, problem),
            ClaimMappings = config.ClaimMappings,
        };
    }

    // An empty value (an unset placeholder) means the default.
    private static string Choice(string? written, string fallback) =>
        written?.Trim() is { Length: > 0 } text ? text.ToLowerInvariant() : fallback;

    private static int Count(long? written, string key, int fallback, Action<string, string> problem)
    {
        if (written is not { } count)
        {
            return fallback;
        }

        if (count < 0)
        {
            problem(key, $"'{count}' must be 0 or more");
            return fallback;
        }

        return (int)Math.Min(count, int.MaxValue);
    }
}
