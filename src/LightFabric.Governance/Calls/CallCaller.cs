using System.Text.Json.Nodes;

namespace LightFabric.Governance.Calls;

/// <summary>Who makes a governed call, as policies and the audit trail see it.</summary>
/// <param name="TokenId">The first 12 hex digits of the SHA-256 of the presented credential; null without one.</param>
/// <param name="Authenticated">Whether a principal was verified for the call.</param>
/// <param name="Claims">The verified principal's claims (one value or a list per claim type); empty when anonymous. Read, never changed.</param>
public sealed record CallCaller(string? TokenId, bool Authenticated, JsonObject Claims)
{
    public static CallCaller Anonymous { get; } = new(null, false, []);

    public string? Sub => Claim("sub");

    public string? ClientId => Claim("client_id") ?? Claim("cid");

    /// <summary>A claim as text: a string as it is, the first item of a list.</summary>
    public string? Claim(string name) => Claims[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text.Length == 0 ? null : text,
        JsonArray { Count: > 0 } list when list[0] is JsonValue first && first.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };
}
