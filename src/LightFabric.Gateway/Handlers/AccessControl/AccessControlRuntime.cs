using System.Security.Claims;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Security;
using LightFabric.Rules;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

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

        var settings = AccessControlConfigValidator.Settings(accessControl.BindEach<AccessControlConfig>(), accessControl.Problem);
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
    /// The rule context of an HTTP request: the caller's claims (a verified token's, else those of the principal another
    /// handler set), the headers (credentials withheld), the endpoint and the correlation id.
    /// </summary>
    public static RuleContextBuilder ContextFor(HttpContext http, string endpoint) =>
        ContextFor(ClaimsOf(http), http.Request.Headers, http.Request.Headers["X-Correlation-Id"], endpoint);

    /// <summary>The rule context of a call whose caller was worked out before (an MCP request).</summary>
    public static RuleContextBuilder ContextFor(JsonObject claims, IEnumerable<KeyValuePair<string, StringValues>> headers, StringValues correlationId,
        string endpoint) => new RuleContextBuilder()
        .WithClaims(claims)
        .WithHeaders(headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())))
        .WithEndpoint(endpoint)
        .WithCorrelationId(correlationId.ToString() is { Length: > 0 } id ? id : null);

    /// <summary>The caller's claims as rules read them: a verified token's (made once per token), else the principal's.</summary>
    public static JsonObject ClaimsOf(HttpContext http) => SecurityPrincipal.Claims(http) ?? ClaimsOf(http.User);

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
