using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Gateway.Security;

/// <summary>
/// The JWKS endpoint from client.yml <c>oauth.token.key</c> (light-4j names): <c>server_url</c> (falling back to
/// <c>oauth.token.server_url</c>) + <c>uri</c> (default <c>/oauth2/key</c>), optional HTTP Basic credentials
/// <c>client_id</c>/<c>client_secret</c>, and the outbound TLS settings of <c>tls</c>.
/// </summary>
public sealed record OAuthKeyConfig
{
    public const string DefaultUri = "/oauth2/key";

    public string? ServerUrl { get; init; }
    public string Uri { get; init; } = DefaultUri;
    public string? ServiceId { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? CaCertPath { get; init; }
    public bool VerifyHostname { get; init; } = true;
    public bool HasServiceIdAuthServers { get; init; }

    /// <summary>The JWKS URL, or null when no server_url is configured or it does not form an absolute URL.</summary>
    public Uri? JwksUrl =>
        string.IsNullOrWhiteSpace(ServerUrl) ? null
        : System.Uri.TryCreate(ServerUrl.TrimEnd('/') + (Uri.StartsWith('/') ? Uri : "/" + Uri), UriKind.Absolute, out var url) ? url : null;

    /// <summary>
    /// The keys of client.yml: what <see cref="Read"/> takes (snake_case aliases included), which covers the tls block
    /// the runtime reads (<c>ClientConfig</c>).
    /// </summary>
    public static readonly ConfigKeys ClientFileKeys = ConfigKeys.Map(
        ("tls", ConfigKeys.Map("caCertPath", "ca_cert_path", "verifyHostname", "verify_hostname")),
        ("oauth", ConfigKeys.Map(("token", ConfigKeys.Map(
            "server_url", "serverUrl",
            ("key", ConfigKeys.Map(
                "server_url", "serverUrl", "uri", "serviceId", "service_id", "client_id", "clientId", "client_secret", "clientSecret",
                "serviceIdAuthServers")))))));

    public static OAuthKeyConfig Read(LoadedConfig? client)
    {
        var root = client?.Values;
        var token = Child(Child(root, "oauth"), "token");
        var key = Child(token, "key");
        var tls = Child(root, "tls");
        return new OAuthKeyConfig
        {
            ServerUrl = Text(key, "server_url", "serverUrl") ?? Text(token, "server_url", "serverUrl"),
            Uri = Text(key, "uri") ?? DefaultUri,
            ServiceId = Text(key, "serviceId", "service_id"),
            ClientId = Text(key, "client_id", "clientId"),
            ClientSecret = Text(key, "client_secret", "clientSecret"),
            CaCertPath = Text(tls, "caCertPath", "ca_cert_path"),
            VerifyHostname = !string.Equals(Text(tls, "verifyHostname", "verify_hostname"), "false", StringComparison.OrdinalIgnoreCase),
            HasServiceIdAuthServers = Child(key, "serviceIdAuthServers") is { Count: > 0 },
        };
    }

    private static JsonObject? Child(JsonObject? parent, string name) =>
        parent is null ? null : Find(parent, name) as JsonObject;

    private static string? Text(JsonObject? parent, params string[] names)
    {
        if (parent is null)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (Find(parent, name) is JsonValue value)
            {
                var text = value.ToString().Trim();
                if (text.Length > 0)
                {
                    return text;
                }
            }
        }

        return null;
    }

    private static JsonNode? Find(JsonObject parent, string name)
    {
        foreach (var (key, node) in parent)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return node;
            }
        }

        return null;
    }
}
