using System.Net;
using System.Security.Claims;
using LightFabric.Gateway.Handlers.AccessControl;
using LightFabric.Gateway.Security;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>
/// Derives the MCP caller from the request: a verified principal is bound by a fingerprint of its stable
/// claims and counted by client id, user id or email, and carries its claims as policies read them; an anonymous caller is bound to and counted by its address
/// (the forwarded one only from a trusted proxy) — never by what it says about itself, such as clientInfo.
/// </summary>
public static class McpCallerIdentity
{
    /// <summary>The caller of a request that <paramref name="exchange"/>'s chain accepted, with the chain's call pipeline.</summary>
    public static McpCaller From(GatewayExchange exchange, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var caller = From(exchange.Http, trustedProxies);
        return exchange.Governance.IsEmpty
            ? caller
            : caller with { Governance = exchange.Governance, TokenId = CallerCredential.TokenId(exchange.Http) };
    }

    public static McpCaller From(HttpContext http, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return McpCaller.Anonymous($"peer:{ClientAddress.Of(http, trustedProxies)}");
        }

        // A verified token's key is computed once per token; other principals (API key, Basic) per request.
        var binding = "principal:" + (SecurityPrincipal.Token(http)?.SubjectKey ?? SecurityPrincipal.SubjectKey(user));
        var clientKey = First(user, "client_id", "cid") ?? First(user, "user_id", "uid") ?? First(user, "email", "eml") ?? First(user, "sub");
        return new McpCaller(binding, clientKey is null ? binding : "principal:" + clientKey, true, AccessControlRuntime.ClaimsOf(http));
    }

    private static string? First(ClaimsPrincipal user, params string[] types) =>
        types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
