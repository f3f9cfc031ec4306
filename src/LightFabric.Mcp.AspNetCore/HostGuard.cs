using System.Net;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// DNS-rebinding protection: a web page on another site can make a browser reach a server on localhost under
/// a name it controls; checking that Host (and Origin, when sent) name this machine or an allowed host stops it.
/// </summary>
public static class HostGuard
{
    private static readonly string[] LocalNames = ["localhost", "127.0.0.1", "[::1]", "::1"];

    public static bool Allows(HttpContext http, StreamableHttpOptions options)
    {
        var protect = options.DnsRebindingProtection switch
        {
            DnsRebindingProtection.On => true,
            DnsRebindingProtection.Off => false,
            _ => http.Connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local),
        };
        if (!protect)
        {
            return true;
        }

        var request = http.Request;
        if (!IsAllowed(request.Host.Host, request.Host.Value, options))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || origin == "null")
        {
            return origin.Length == 0;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && IsAllowed(uri.Host, uri.Authority, options);
    }

    private static bool IsAllowed(string host, string? hostAndPort, StreamableHttpOptions options) =>
        LocalNames.Contains(host, StringComparer.OrdinalIgnoreCase)
        || options.AllowedHosts.Any(a => a.Equals(host, StringComparison.OrdinalIgnoreCase) || a.Equals(hostAndPort, StringComparison.OrdinalIgnoreCase));
}
