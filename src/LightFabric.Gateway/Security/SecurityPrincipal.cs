using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Security;

/// <summary>
/// The verified caller as <see cref="HttpContext.User"/>: an authenticated identity (type <c>Bearer</c>) whose
/// claims are the token's raw claims under their JWT names (<c>iss</c>, <c>sub</c>, <c>client_id</c>/<c>cid</c>,
/// <c>user_id</c>/<c>uid</c>, <c>email</c>/<c>eml</c>, …); list claims become one claim per item, objects one
/// JSON claim. The raw claim object is also kept for policy engines.
/// </summary>
public static class SecurityPrincipal
{
    public const string AuthenticationType = "Bearer";

    private const string ClaimsItem = "LightFabric.Security.Claims";
    private const string TokenItem = "LightFabric.Security.Token";

    public static ClaimsPrincipal Create(JsonObject claims)
    {
        var list = new List<Claim>();
        var issuer = claims["iss"] is JsonValue iss && iss.TryGetValue<string>(out var text) ? text : ClaimsIdentity.DefaultIssuer;
        foreach (var (name, node) in claims)
        {
            switch (node)
            {
                case null:
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (item is not null)
                        {
                            list.Add(ToClaim(name, item, issuer));
                        }
                    }

                    break;
                default:
                    list.Add(ToClaim(name, node, issuer));
                    break;
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(list, AuthenticationType, "sub", "role"));
    }

    /// <summary>The verified token's claims, when the security handler authenticated this request.</summary>
    public static JsonObject? Claims(HttpContext http) => http.Items.TryGetValue(ClaimsItem, out var value) ? value as JsonObject : null;

    /// <summary>The verified token, when the security handler authenticated this request.</summary>
    public static VerifiedToken? Token(HttpContext http) => http.Items.TryGetValue(TokenItem, out var value) ? value as VerifiedToken : null;

    internal static void Attach(HttpContext http, VerifiedToken token)
    {
        http.User = token.Principal;
        http.Items[ClaimsItem] = token.Claims;
        http.Items[TokenItem] = token;
    }

    private static readonly string[] SubjectClaims = ["iss", "client_id", "cid", "user_id", "uid", "sub", "email", "eml", "tenant", "host"];

    /// <summary>
    /// SHA-256 (hex) over the claims that identify a caller — issuer, client, user, email, tenant, host — so tokens
    /// refreshed for the same caller share it and no token text is kept.
    /// </summary>
    public static string SubjectKey(ClaimsPrincipal user)
    {
        var text = new System.Text.StringBuilder();
        foreach (var type in SubjectClaims)
        {
            text.Append(type).Append('=').Append(user.FindFirst(type)?.Value).Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>A claim as header or claim text: strings as they are, anything else as compact JSON.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonArray array => string.Join(' ', array.Select(Text).Where(t => t is not null)),
        _ => node.ToJsonString(),
    };

    private static Claim ToClaim(string name, JsonNode node, string issuer)
    {
        var valueType = node switch
        {
            JsonObject or JsonArray => "JSON",
            JsonValue v when v.GetValueKind() is JsonValueKind.Number => v.ToJsonString().Contains('.') ? ClaimValueTypes.Double : ClaimValueTypes.Integer64,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => ClaimValueTypes.Boolean,
            _ => ClaimValueTypes.String,
        };
        var value = node is JsonValue s && s.TryGetValue<string>(out var text) ? text : node.ToJsonString();
        return new Claim(name, value, valueType, issuer);
    }
}
