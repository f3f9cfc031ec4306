using System.Net;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// X-Forwarded-For, -Proto and -Host for the upstream. Without <c>reuseXForwarded</c> the gateway is the trust
/// boundary and replaces whatever the client sent; with it (behind another proxy) the client address is appended to
/// the For chain and an existing Proto or Host is kept, as Undertow's proxy does.
/// </summary>
internal static class ForwardedHeaders
{
    public const string For = "X-Forwarded-For";
    public const string Proto = "X-Forwarded-Proto";
    public const string Host = "X-Forwarded-Host";

    public static bool IsForwardedHeader(string name) =>
        name.Equals(For, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Proto, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Host, StringComparison.OrdinalIgnoreCase);

    public static void AddTo(HttpRequestMessage message, HttpRequest request, bool reuse)
    {
        var client = ClientAddress(request.HttpContext.Connection.RemoteIpAddress);
        var existingFor = Joined(request.Headers[For]);
        var forValue = reuse && existingFor.Length > 0 ? $"{existingFor}, {client}" : client;
        message.Headers.TryAddWithoutValidation(For, forValue);

        var existingProto = Joined(request.Headers[Proto]);
        message.Headers.TryAddWithoutValidation(Proto, reuse && existingProto.Length > 0 ? existingProto : request.Scheme);

        var existingHost = Joined(request.Headers[Host]);
        var host = reuse && existingHost.Length > 0 ? existingHost : request.Host.Value;
        if (!string.IsNullOrEmpty(host))
        {
            message.Headers.TryAddWithoutValidation(Host, host);
        }
    }

    private static string ClientAddress(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };

    // Several header lines of a list header are one comma-separated list.
    private static string Joined(Microsoft.Extensions.Primitives.StringValues values) =>
        string.Join(", ", values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()));
}
