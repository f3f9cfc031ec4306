using Microsoft.Extensions.Primitives;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// Headers that describe one connection (RFC 9110 §7.6.1), not the message, so a proxy must not pass them on:
/// the fixed set, every <c>Proxy-*</c> header, and whatever the message's own <c>Connection</c> header names.
/// </summary>
internal readonly struct HopByHopHeaders
{
    private static readonly HashSet<string> Fixed = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "TE", "Trailer", "Trailers", "Transfer-Encoding", "Upgrade",
    };

    private readonly HashSet<string>? _named;

    private HopByHopHeaders(HashSet<string>? named) => _named = named;

    /// <summary>The hop-by-hop set of one message, given the values of its Connection header.</summary>
    public static HopByHopHeaders For(IEnumerable<string?> connectionValues)
    {
        HashSet<string>? named = null;
        foreach (var value in connectionValues)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                (named ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(token);
            }
        }

        return new HopByHopHeaders(named);
    }

    public static HopByHopHeaders For(StringValues connection) => For((IEnumerable<string?>)connection);

    public bool Contains(string name) =>
        Fixed.Contains(name)
        || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
        || _named?.Contains(name) == true;
}
