using System.Text.Json.Nodes;
using LightFabric.Rules.Evaluation;

namespace LightFabric.Rules.Tests;

internal static class Ctx
{
    public static JsonObject WithRole(string? role, JsonObject? arguments = null, JsonObject? extraClaims = null)
    {
        var b = new RuleContextBuilder();
        if (role is not null)
        {
            b.WithClaim("role", role);
        }

        b.WithClaims(extraClaims);
        b.WithTool("tool", arguments);
        return b.Build();
    }

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();
}
