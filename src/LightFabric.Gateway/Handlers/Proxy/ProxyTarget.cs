namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>One entry of proxy.yml <c>hosts</c>: an http or https base URL that request paths are appended to.</summary>
public sealed record ProxyTarget
{
    private ProxyTarget(Uri baseUri, string key)
    {
        Scheme = baseUri.Scheme;
        Authority = baseUri.Authority;
        BasePath = baseUri.AbsolutePath.TrimEnd('/');
        Name = $"{Scheme}://{Authority}{BasePath}";
        Key = key;
    }

    public string Scheme { get; }

    /// <summary>host[:port] as the Host header carries it.</summary>
    public string Authority { get; }

    /// <summary>The base URL's path without a trailing slash ("" for none).</summary>
    public string BasePath { get; }

    /// <summary>The URL as error messages and logs name it.</summary>
    public string Name { get; }

    /// <summary>Where it was configured (<c>hosts[1]</c>).</summary>
    public string Key { get; }

    public bool IsHttps => Scheme == Uri.UriSchemeHttps;

    /// <summary>A usable target, or null with the reason written for the operator.</summary>
    public static ProxyTarget? TryParse(string? text, string key, out string? error)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "is empty; give an http:// or https:// URL such as http://backend:8080";
            return null;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{trimmed}' is not an http:// or https:// URL; write it like http://backend:8080 or https://api.example.com/base";
            return null;
        }

        // Credentials in the URL would never be sent, and a query or fragment cannot be combined with the request's own.
        if (uri.UserInfo.Length > 0)
        {
            error = $"'{uri.Scheme}://…@{uri.Authority}' carries credentials; remove them and add an Authorization header with the header handler instead";
            return null;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = $"'{trimmed}' has a query or fragment; a host is a base URL, the request's path and query are appended to it";
            return null;
        }

        error = null;
        return new ProxyTarget(uri, key);
    }
}
