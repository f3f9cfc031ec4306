using System.Net;
using LightFabric.Gateway.Security;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>Turns the client's request into the request for one target: URL, headers, streamed body.</summary>
internal sealed class ProxyRequestFactory(ProxySettings settings)
{
    /// <summary>light-4j's header for the verified token's claims (<c>forwardJwtClaims</c>).</summary>
    public const string JwtClaimsHeader = "jwt";

    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public HttpRequestMessage Create(HttpContext http, ProxyTarget target, ProxyRequestBody? body)
    {
        var request = http.Request;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), TargetUri(target, request))
        {
            Version = settings.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,

            // Cleartext HTTP/2 has no negotiation in .NET: it is prior knowledge (h2c) or nothing. Over TLS, ALPN
            // lets a backend without HTTP/2 fall back to HTTP/1.1.
            VersionPolicy = settings.Http2 && !target.IsHttps ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
        };

        if (body is not null)
        {
            message.Content = new StreamContent(body);
        }
        else if (request.ContentLength == 0 || request.Headers.ContentType.Count > 0)
        {
            // An empty body still has a Content-Type and Content-Length worth passing on.
            message.Content = new ByteArrayContent([]);
        }

        var hopByHop = HopByHopHeaders.For(request.Headers.Connection);
        foreach (var (name, values) in request.Headers)
        {
            if (Skip(name, hopByHop))
            {
                continue;
            }

            IEnumerable<string?> list = values;
            if (!message.Headers.TryAddWithoutValidation(name, list))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, list);
            }
        }

        if (!settings.RewriteHostHeader && request.Host.HasValue)
        {
            message.Headers.Host = request.Host.Value;
        }

        ForwardedHeaders.AddTo(message, request, settings.ReuseXForwarded);
        if (settings.ForwardJwtClaims && SecurityPrincipal.Claims(http) is { } claims)
        {
            // The default encoder escapes non-ASCII, so the JSON is a valid header value.
            message.Headers.TryAddWithoutValidation(JwtClaimsHeader, claims.ToJsonString());
        }

        return message;
    }

    /// <summary>The target's base URL followed by the request's path and query exactly as received.</summary>
    public static Uri TargetUri(ProxyTarget target, HttpRequest request)
    {
        var path = (request.PathBase + request.Path).ToUriComponent();
        var text = string.Concat(target.Scheme, "://", target.Authority, target.BasePath, path.Length == 0 ? "/" : path, request.QueryString.Value);
        return new Uri(text, Verbatim);
    }

    private bool Skip(string name, HopByHopHeaders hopByHop) =>
        hopByHop.Contains(name)
        || name.StartsWith(':')
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)

        // Kestrel already answered the client's 100-continue; HttpClient runs its own with the upstream.
        || name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
        || ForwardedHeaders.IsForwardedHeader(name)

        // With forwardJwtClaims the header is the gateway's statement; a client must not be able to supply it.
        || (settings.ForwardJwtClaims && name.Equals(JwtClaimsHeader, StringComparison.OrdinalIgnoreCase));
}
