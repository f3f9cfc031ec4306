using LightFabric.Gateway.Handlers.AccessControl;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Security;

/// <summary>
/// The credential a caller presented, known only by its token id (the first 12 hex digits of its SHA-256, SatGate's
/// <c>tokenId</c>): an API key the apikey handler accepted, else the Authorization header's bearer token or Basic
/// credentials. The credential itself is never kept.
/// </summary>
public static class CallerCredential
{
    private const string Item = "LightFabric.Security.CredentialId";

    /// <summary>Records the credential a handler accepted from another header (an API key).</summary>
    public static void Accepted(HttpContext http, string credential) => http.Items[Item] = BudgetSubjects.TokenId(credential);

    public static string? TokenId(HttpContext http)
    {
        if (http.Items.TryGetValue(Item, out var known) && known is string id)
        {
            return id;
        }

        var authorization = http.Request.Headers.Authorization.ToString();
        var space = authorization.IndexOf(' ');
        if (space <= 0 || space == authorization.Length - 1)
        {
            return null;
        }

        var scheme = authorization.AsSpan(0, space);
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var tokenId = BudgetSubjects.TokenId(authorization[(space + 1)..].Trim());
        http.Items[Item] = tokenId;
        return tokenId;
    }

    /// <summary>The caller of a governed HTTP call.</summary>
    public static CallCaller CallerOf(HttpContext http) =>
        new(TokenId(http), http.User.Identity?.IsAuthenticated == true, AccessControlRuntime.ClaimsOf(http));
}
