using System.Security.Claims;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Security;
using LightFabric.Rules;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>
/// access-control.yml and rule.yml of one config generation, loaded together. The MCP router and the HTTP
/// access-control handler each build one per model, so a reload swaps both files at once and in-flight requests
/// finish with the rules they started with.
/// </summary>
public sealed class AccessControlRuntime(AccessControlSettings settings, RuleSet rules)
{
    public AccessControlSettings Settings { get; } = settings;

    public RuleSet Rules { get; } = rules;

    /// <summary>The runtime, or null when access-control.yml is absent or <c>enabled: false</c>.</summary>
    public static AccessControlRuntime? Load(HandlerBuildContext context)
    {
        var accessControl = context.HandlerId == "access-control" ? context : context.For("access-control", "access-control");
        if (accessControl.Config is null)
        {
            return null;
        }

        var settings = AccessControlSettings.Read(accessControl.Config.Values, accessControl);
        if (!settings.Enabled)
        {
            return null;
        }

        var ruleContext = context.For("rule", "rule");
        var options = RuleEngineOptions.Default with { ClaimMappings = settings.ClaimMappings };
        var loaded = RuleSetLoader.Load(ruleContext.Config?.Values, options: options);
        foreach (var error in loaded.Errors)
        {
            ruleContext.Problem(error.Key, error.Message);
        }

        return loaded.RuleSet is null ? null : new AccessControlRuntime(settings, loaded.RuleSet);
    }

    /// <summary>
    /// The rule context of a request: the caller's claims (a verified token's, else those of the principal another
    /// handler set), the headers (credentials withheld), the endpoint and the correlation id.
    /// </summary>
    public static RuleContextBuilder ContextFor(HttpContext http, string endpoint) => new RuleContextBuilder()
        .WithClaims(SecurityPrincipal.Claims(http) ?? ClaimsOf(http.User))
        .WithHeaders(http.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())))
        .WithEndpoint(endpoint)
        .WithCorrelationId(http.Request.Headers["X-Correlation-Id"].ToString() is { Length: > 0 } id ? id : null);

    /// <summary>Claims of principals made by other handlers (API key, Basic): one value or a list per claim type.</summary>
    private static JsonObject ClaimsOf(ClaimsPrincipal user)
    {
        var claims = new JsonObject();
        foreach (var group in user.Claims.GroupBy(c => c.Type))
        {
            claims[group.Key] = group.Count() == 1 ? group.First().Value : new JsonArray(group.Select(c => (JsonNode)c.Value).ToArray());
        }

        return claims;
    }
}
