using System.Net;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>
/// The address of the client behind a request: the TCP peer, or — only when the peer is one of the configured trusted
/// proxies — the address those proxies recorded in <c>Forwarded</c> (RFC 7239) or else <c>X-Forwarded-For</c>. The
/// hops are read from the right, past every trusted proxy; anything a client could have written itself is never
/// taken from an untrusted peer.
/// </summary>
public static class ClientAddress
{
    public static IPAddress? Of(HttpContext http, IReadOnlyList<IPNetwork> trustedProxies)
    {
        if (http.Connection.RemoteIpAddress is not { } peer)
        {
            return null;
        }

        var client = Normalize(peer);
        if (trustedProxies.Count == 0 || !IsTrusted(client, trustedProxies))
        {
            return client;
        }

        var hops = Hops(http.Request.Headers);
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (!TryParse(hops[i], out var hop))
            {
                // An obfuscated or malformed hop: what is known ends at the last trusted proxy.
                break;
            }

            client = hop;
            if (!IsTrusted(hop, trustedProxies))
            {
                break;
            }
        }

        return client;
    }

    /// <summary>A trusted proxy as configured: a CIDR range (10.0.0.0/8, fd00::/8) or one address.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text.Trim(), out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text.Trim(), out var address))
        {
            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies)
    {
        foreach (var network in trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The recorded hops, the original client first: <c>Forwarded</c>'s <c>for=</c> values, else <c>X-Forwarded-For</c>.</summary>
    private static List<string> Hops(IHeaderDictionary headers)
    {
        var hops = new List<string>();
        if (headers.TryGetValue("Forwarded", out var forwarded) && forwarded.Count > 0)
        {
            foreach (var element in string.Join(',', forwarded.ToArray()).Split(','))
            {
                var value = element.Split(';').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("for=", StringComparison.OrdinalIgnoreCase));
                // An element without for= still is a hop, of an unknown client.
                hops.Add(value is null ? "" : value[4..].Trim().Trim('"'));
            }

            return hops;
        }

        if (headers.TryGetValue("X-Forwarded-For", out var forwardedFor))
        {
            hops.AddRange(string.Join(',', forwardedFor.ToArray()).Split(',').Select(h => h.Trim()));
        }

        return hops;
    }

    /// <summary>An address as proxies write it: bare, <c>[v6]</c>, <c>[v6]:port</c> or <c>v4:port</c>.</summary>
    private static bool TryParse(string hop, out IPAddress address)
    {
        var text = hop;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            text = close > 0 ? text[1..close] : "";
        }
        else if (text.Count(c => c == ':') == 1)
        {
            text = text[..text.IndexOf(':')];
        }

        if (IPAddress.TryParse(text, out var parsed))
        {
            address = Normalize(parsed);
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
