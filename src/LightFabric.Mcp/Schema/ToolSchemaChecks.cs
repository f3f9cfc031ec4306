using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.JsonSchema;
using LightFabric.Mcp.Catalog;

namespace LightFabric.Mcp.Schema;

/// <summary>
/// Argument and result validation of configured tools. A failure is a tool result with <c>isError: true</c> and a
/// text listing the errors (as the MCP specification asks for input validation errors), not a JSON-RPC error, so the
/// model calling the tool can read it and correct itself.
/// </summary>
public static class ToolSchemaChecks
{
    public const string OutputMismatch = "output does not match the tool's outputSchema";

    /// <summary>Null when the arguments match the tool's inputSchema; else the error result to answer with.</summary>
    public static JsonObject? CheckArguments(ConfiguredTool tool, JsonObject arguments)
    {
        if (tool.InputValidator is not { } validator)
        {
            // Only a tool built without the config reader can get here; fail closed.
            return ErrorResult($"Invalid arguments for tool '{tool.Name}': its inputSchema does not compile: {tool.InputSchemaProblem}");
        }

        var result = validator.Validate(arguments);
        return result.IsValid ? null : ErrorResult(Describe($"Invalid arguments for tool '{tool.Name}'", result.Errors));
    }

    /// <summary>
    /// The result itself when it satisfies the tool's outputSchema (or the tool has none, or the result is already an
    /// error); else an error result saying what does not match.
    /// </summary>
    public static JsonNode? CheckResult(ConfiguredTool tool, JsonNode? result)
    {
        if (tool.OutputSchema is null)
        {
            return result;
        }

        if (result is JsonObject r && r["isError"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True)
        {
            // Error results carry no structured content to check.
            return result;
        }

        if (tool.OutputValidator is not { } validator)
        {
            return ErrorResult($"{Capitalized(OutputMismatch)}: the outputSchema does not compile: {tool.OutputSchemaProblem}");
        }

        if (result is not JsonObject withContent || !withContent.TryGetPropertyValue("structuredContent", out var structured))
        {
            return ErrorResult($"{Capitalized(OutputMismatch)}: the result has no structuredContent");
        }

        var validation = validator.Validate(structured);
        return validation.IsValid ? result : ErrorResult(Describe(Capitalized(OutputMismatch), validation.Errors));
    }

    private static string Describe(string heading, IReadOnlyList<SchemaError> errors)
    {
        var text = new StringBuilder(heading).Append(':');
        foreach (var error in errors)
        {
            text.Append("\n- ").Append(error);
        }

        return text.ToString();
    }

    private static string Capitalized(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));

    private static JsonObject ErrorResult(string text) => new()
    {
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["isError"] = true,
    };
}
