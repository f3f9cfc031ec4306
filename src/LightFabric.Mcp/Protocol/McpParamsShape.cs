using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Protocol;

/// <summary>
/// The shape of the params of each method the gateway reads (the MCP schema's member types), checked once when a
/// message is parsed, so no handler meets a params member of another type than it reads: a mismatch is -32602
/// naming the member. Members the gateway only passes on are the upstream's to check.
/// </summary>
public static class McpParamsShape
{
    private enum Kind
    {
        Object,
        String,
        NonEmptyString,
        RequestId,
    }

    private sealed record Member(string Name, Kind Kind, bool Required = false);

    private static readonly Member[] ListParams = [new("cursor", Kind.String)];

    private static readonly Member[] UriParams = [new("uri", Kind.String, Required: true)];

    private static readonly Dictionary<string, Member[]> Methods = new(StringComparer.Ordinal)
    {
        [McpMethods.Initialize] =
            [new("protocolVersion", Kind.String, Required: true), new("capabilities", Kind.Object), new("clientInfo", Kind.Object)],
        [McpMethods.ToolsList] = [.. ListParams, new("query", Kind.String), new("intent", Kind.String)],
        [McpMethods.ToolsCall] =
            [new("name", Kind.NonEmptyString, Required: true), new("arguments", Kind.Object), new("requestState", Kind.String), new("inputResponses", Kind.Object)],
        [McpMethods.ResourcesList] = ListParams,
        [McpMethods.ResourceTemplatesList] = ListParams,
        [McpMethods.PromptsList] = ListParams,
        [McpMethods.ResourcesRead] = UriParams,
        [McpMethods.ResourcesSubscribe] = UriParams,
        [McpMethods.ResourcesUnsubscribe] = UriParams,
        [McpMethods.PromptsGet] = [new("name", Kind.NonEmptyString, Required: true), new("arguments", Kind.Object)],
        [McpMethods.Complete] = [new("ref", Kind.Object, Required: true), new("argument", Kind.Object, Required: true), new("context", Kind.Object)],
        [McpMethods.SetLevel] = [new("level", Kind.String, Required: true)],
        [McpMethods.SubscriptionsListen] = [new("notifications", Kind.Object)],
        [McpMethods.Cancelled] = [new("requestId", Kind.RequestId), new("reason", Kind.String)],
    };

    private static readonly Member[] CompletionRef = [new("type", Kind.String, Required: true), new("name", Kind.String), new("uri", Kind.String)];

    /// <summary>What is wrong with these params for this method (e.g. <c>params.name must be a non-empty string</c>), or null.</summary>
    public static string? Problem(string method, JsonNode? parameters)
    {
        if (parameters is null)
        {
            return Methods.TryGetValue(method, out var expected) && expected.FirstOrDefault(m => m.Required) is { } required
                ? $"{method} needs params.{required.Name} ({Describe(required.Kind)})"
                : null;
        }

        if (parameters is not JsonObject members)
        {
            return "params must be an object (MCP names its parameters; positional params are not used)";
        }

        if (members.TryGetPropertyValue("_meta", out var meta) && meta is not null)
        {
            if (meta is not JsonObject metaObject)
            {
                return "params._meta must be an object";
            }

            if (metaObject.TryGetPropertyValue("progressToken", out var token) && token is not null && !Is(token, Kind.RequestId))
            {
                return "params._meta.progressToken must be a string or an integer";
            }
        }

        if (Methods.TryGetValue(method, out var shape) && Check(members, shape, "params") is { } problem)
        {
            return problem;
        }

        return method == McpMethods.Complete ? Check(members["ref"]!.AsObject(), CompletionRef, "params.ref") : null;
    }

    private static string? Check(JsonObject members, Member[] shape, string path)
    {
        foreach (var member in shape)
        {
            members.TryGetPropertyValue(member.Name, out var value);
            if (value is null)
            {
                // JSON null counts as absent: clients write optional members as null.
                if (member.Required)
                {
                    return $"{path}.{member.Name} is required ({Describe(member.Kind)})";
                }

                continue;
            }

            if (!Is(value, member.Kind))
            {
                return $"{path}.{member.Name} must be {Describe(member.Kind)}";
            }
        }

        return null;
    }

    private static bool Is(JsonNode value, Kind kind) => kind switch
    {
        Kind.Object => value is JsonObject,
        Kind.String => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        Kind.NonEmptyString => value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0,
        Kind.RequestId => value is JsonValue v
            && (v.GetValueKind() == JsonValueKind.String || (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _))),
        _ => false,
    };

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Object => "an object",
        Kind.String => "a string",
        Kind.NonEmptyString => "a non-empty string",
        _ => "a string or an integer",
    };
}
