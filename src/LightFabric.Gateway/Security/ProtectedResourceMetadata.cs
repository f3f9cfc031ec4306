using System.Text.Json.Nodes;
using LightFabric.Gateway.Handlers;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Security;

/// <summary>
/// OAuth 2.0 Protected Resource Metadata (RFC 9728), which MCP clients read to find the authorization server:
/// <c>GET /.well-known/oauth-protected-resource</c> (and the path-suffixed form
/// <c>/.well-known/oauth-protected-resource/mcp</c>), and the <c>resource_metadata</c> URL of 401 challenges.
/// </summary>
public sealed class ProtectedResourceMetadata(ResourceMetadataSettings settings, IReadOnlyList<string> derivedScopes)
{
    public const string WellKnownPath = "/.well-known/oauth-protected-resource";

    public bool Enabled => settings.Enabled;

    public static bool IsMetadataPath(string path) =>
        path == WellKnownPath || (path.StartsWith(WellKnownPath, StringComparison.Ordinal) && path[WellKnownPath.Length] == '/');

    /// <summary>The metadata document's URL for this request (the configured resource's origin wins).</summary>
    public string MetadataUrl(HttpRequest request) => Origin(request) + WellKnownPath;

    public string Resource(HttpRequest request) =>
        string.IsNullOrWhiteSpace(settings.Resource)
            ? Origin(request) + (settings.ResourcePath.StartsWith('/') ? settings.ResourcePath : "/" + settings.ResourcePath)
            : settings.Resource.Trim();

    public async Task WriteAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await GatewayError.WriteAsync(http, StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED", "Method not allowed",
                $"{WellKnownPath} answers GET only.");
            return;
        }

        var scopes = settings.ScopesSupported.Count > 0 ? settings.ScopesSupported : derivedScopes;
        var document = new JsonObject
        {
            ["resource"] = Resource(request),
            ["authorization_servers"] = new JsonArray(settings.AuthorizationServers.Select(s => (JsonNode?)s).ToArray()),
            ["scopes_supported"] = new JsonArray(scopes.Select(s => (JsonNode?)s).ToArray()),
            ["bearer_methods_supported"] = new JsonArray("header"),
        };
        if (!string.IsNullOrWhiteSpace(settings.ResourceName))
        {
            document["resource_name"] = settings.ResourceName;
        }

        var body = System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "max-age=300";
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(body);
        }
    }

    private string Origin(HttpRequest request)
    {
        if (!string.IsNullOrWhiteSpace(settings.Resource) && Uri.TryCreate(settings.Resource.Trim(), UriKind.Absolute, out var resource))
        {
            return resource.GetLeftPart(UriPartial.Authority);
        }

        return $"{request.Scheme}://{request.Host}";
    }
}

/// <summary>
/// The <c>oauth-resource-metadata</c> handler: serves only the protected-resource metadata of security.yml, for
/// chains that route <c>/.well-known/oauth-protected-resource</c> without the <c>security</c> handler.
/// </summary>
public sealed class ProtectedResourceMetadataHandler(ProtectedResourceMetadata metadata) : IGatewayHandler
{
    public static readonly HandlerDescriptor Descriptor = new("oauth-resource-metadata", ["protected-resource-metadata"], "security",
        context => new ProtectedResourceMetadataHandler(SecurityHandler.CreateMetadata(context.Bind<SecurityConfig>())))
    {
        Keys = LightFabric.Config.ConfigKeys.For<SecurityConfig>(),
    };

    public string Id => "oauth-resource-metadata";

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!metadata.Enabled || !ProtectedResourceMetadata.IsMetadataPath(exchange.Path))
        {
            return HandlerOutcome.Continue;
        }

        await metadata.WriteAsync(exchange.Http).ConfigureAwait(false);
        return HandlerOutcome.Completed;
    }
}
