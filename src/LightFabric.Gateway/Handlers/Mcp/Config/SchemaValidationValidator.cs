using LightFabric.JsonSchema;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>
/// <c>schemaValidation:</c> → the validator's bounds. The upper limits keep a configuration from switching the
/// protection off by accident: deeper nesting than these risks the stack, more steps lets one call hold a thread for seconds.
/// </summary>
public static class SchemaValidationValidator
{
    public static JsonSchemaOptions Options(SchemaValidationConfig config, Action<string, string> problem)
    {
        const string Key = "schemaValidation";
        var defaults = JsonSchemaOptions.Default;
        return defaults with
        {
            MaxSchemaBytes = NumberBounds.Check(config.MaxSchemaBytes, $"{Key}.maxSchemaBytes", 1024, problem, 16 * 1024 * 1024) ?? defaults.MaxSchemaBytes,
            MaxSubschemas = NumberBounds.Check(config.MaxSubschemas, $"{Key}.maxSubschemas", 1, problem, 65_536) ?? defaults.MaxSubschemas,
            MaxDepth = NumberBounds.Check(config.MaxSchemaDepth, $"{Key}.maxSchemaDepth", 1, problem, 256) ?? defaults.MaxDepth,
            MaxInstanceDepth = NumberBounds.Check(config.MaxValueDepth, $"{Key}.maxValueDepth", 1, problem, 512) ?? defaults.MaxInstanceDepth,
            MaxSteps = NumberBounds.Check(config.MaxSteps, $"{Key}.maxSteps", 1, problem, 10_000_000) ?? defaults.MaxSteps,
            MaxErrors = NumberBounds.Check(config.MaxErrors, $"{Key}.maxErrors", 1, problem, 100) ?? defaults.MaxErrors,
            RegexTimeout = NumberBounds.Check(config.PatternTimeoutMs, $"{Key}.patternTimeoutMs", 1, problem, 10_000) is { } ms
                ? TimeSpan.FromMilliseconds(ms)
                : defaults.RegexTimeout,
        };
    }
}
