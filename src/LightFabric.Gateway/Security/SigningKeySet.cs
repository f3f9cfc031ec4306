using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace LightFabric.Gateway.Security;

/// <summary>The signing keys of one JWKS document, by <c>kid</c>.</summary>
public sealed class SigningKeySet
{
    public static readonly SigningKeySet Empty = new([]);

    private readonly Dictionary<string, SigningKey> _byKid;

    public SigningKeySet(IReadOnlyList<SigningKey> keys)
    {
        Keys = keys;
        _byKid = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key.Kid is not null)
            {
                _byKid.TryAdd(key.Kid, key);
            }
        }
    }

    public IReadOnlyList<SigningKey> Keys { get; }

    public SigningKey? Find(string kid) => _byKid.GetValueOrDefault(kid);

    /// <summary>Parses <c>{"keys":[…]}</c>; keys that cannot verify are left out and reported.</summary>
    public static SigningKeySet Parse(ReadOnlySpan<byte> json, List<string> skipped)
    {
        // The document's shape is checked first so a wrong document gets one clear reason.
        using (var document = JsonDocument.Parse(json.ToArray()))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("a JWKS is a JSON object with a 'keys' array");
            }
        }

        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(Encoding.UTF8.GetString(json));
        }
        catch (ArgumentException ex)
        {
            throw new JsonException($"the JWKS cannot be read: {ex.Message}", ex);
        }

        var parsed = new List<SigningKey>();
        foreach (var jwk in set.Keys)
        {
            if (SigningKey.FromJwk(jwk, out var reason) is { } key)
            {
                parsed.Add(key);
            }
            else if (reason is not null)
            {
                skipped.Add(reason);
            }
        }

        return new SigningKeySet(parsed);
    }
}
