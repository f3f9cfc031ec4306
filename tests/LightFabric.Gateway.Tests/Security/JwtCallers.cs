using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>Callers with signed tokens for gateways whose /mcp runs [security, mcp] (see <see cref="McpValues"/>).</summary>
internal static class JwtCallers
{
    public const string Issuer = "https://issuer.test";

    public const string Audience = "gateway";

    /// <summary>values.yml lines: POST /mcp through [security, mcp], tokens from <see cref="Issuer"/> for <see cref="Audience"/>.</summary>
    public const string McpValues = $$"""
        handler.handlers: [security, mcp]
        handler.paths:
          - {path: /mcp, method: POST, exec: [security, mcp]}
        security.issuer: {{Issuer}}
        security.audience: [{{Audience}}]
        """;

    /// <summary>A token valid for five minutes with the given claims (sub defaults to the role, else "guest").</summary>
    public static string Token(TestKey key, string? role, JsonObject? claims = null)
    {
        var all = claims?.DeepClone().AsObject() ?? [];
        all["iss"] = Issuer;
        all["aud"] = Audience;
        all["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 300;
        if (!all.ContainsKey("sub"))
        {
            all["sub"] = role ?? "guest";
        }

        if (role is not null)
        {
            all["role"] = role;
        }

        return key.Sign(all);
    }

    /// <summary>An initialized MCP session of a caller with <paramref name="role"/> (none when null).</summary>
    public static async Task<McpWire> SessionAsync(HttpClient gateway, TestKey key, string? role, JsonObject? claims = null)
    {
        var wire = new McpWire(new HttpClient
        {
            BaseAddress = gateway.BaseAddress,
            DefaultRequestHeaders = { { "Authorization", "Bearer " + Token(key, role, claims) } },
        });
        Assert.Equal(HttpStatusCode.OK, (await wire.InitializeAsync()).Status);
        return wire;
    }
}
