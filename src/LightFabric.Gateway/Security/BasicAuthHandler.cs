using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Handlers;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Security;

/// <summary>One <c>users</c> entry of basic-auth.yml: the credentials and the path prefixes they open (none = all).</summary>
public sealed record BasicUser(string Username, string Password, IReadOnlyList<string> Paths)
{
    public bool Allows(string path) => Paths.Count == 0 || Paths.Any(p => PathPrefix.Matches(p, path));
}

/// <summary>
/// The <c>basic-auth</c> handler (alias <c>basic</c>): HTTP Basic credentials checked against configured users
/// (passwords may be <c>CRYPT:</c> values, decrypted at load), each limited to its path prefixes. With
/// <c>allowAnonymous</c>, the paths of the user named <c>anonymous</c> need no credentials; with
/// <c>allowBearerToken</c>, a Bearer token passes on to a later handler (e.g. <c>security</c>).
/// </summary>
public sealed class BasicAuthHandler : IGatewayHandler
{
    /// <summary>What <see cref="Create(HandlerBuildContext, bool)"/> reads.</summary>
    internal static readonly ConfigKeys Keys = ConfigKeys.For<BasicAuthConfig>();

    public static readonly HandlerDescriptor Descriptor = new("basic-auth", ["basic"], "basic-auth", Create) { Keys = Keys };

    private const string Anonymous = BasicAuthConfigValidator.Anonymous;
    private readonly bool _enabled;
    private readonly bool _allowAnonymous;
    private readonly bool _allowBearer;
    private readonly Dictionary<string, BasicUser> _users;

    public BasicAuthHandler(bool enabled, bool allowAnonymous, bool allowBearer, IEnumerable<BasicUser> users)
    {
        _enabled = enabled;
        _allowAnonymous = allowAnonymous;
        _allowBearer = allowBearer;
        _users = users.ToDictionary(u => u.Username, StringComparer.Ordinal);
    }

    public string Id => "basic-auth";

    private static BasicAuthHandler Create(HandlerBuildContext context) => Create(context, forceEnabled: false);

    /// <param name="forceEnabled">For unified-security, which decides itself where the handler applies.</param>
    internal static BasicAuthHandler Create(HandlerBuildContext context, bool forceEnabled)
    {
        var config = context.BindEach<BasicAuthConfig>();
        return new BasicAuthHandler(forceEnabled || config.Enabled, config.AllowAnonymous, config.AllowBearerToken,
            BasicAuthConfigValidator.Users(config, context.Problem));
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!_enabled)
        {
            return HandlerOutcome.Continue;
        }

        var http = exchange.Http;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            if (_allowAnonymous && _users.TryGetValue(Anonymous, out var anonymous) && anonymous.Allows(exchange.Path))
            {
                return HandlerOutcome.Continue;
            }

            await ChallengeAsync(http, "ERR10046", "Missing credentials", "This path needs HTTP Basic credentials (Authorization: Basic …).").ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && _allowBearer)
        {
            return HandlerOutcome.Continue;
        }

        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || !TryDecode(authorization[6..].Trim(), out var username, out var password))
        {
            await ChallengeAsync(http, "ERR10047", "Invalid authorization header", "The Authorization header is not a valid Basic credential.").ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        if (!_users.TryGetValue(username, out var user) || username == Anonymous
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(user.Password)))
        {
            await ChallengeAsync(http, "ERR10071", "Invalid username or password", "The Basic credentials were not accepted.").ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        if (!user.Allows(exchange.Path))
        {
            await GatewayError.WriteAsync(http, StatusCodes.Status403Forbidden, "ERR10072", "Path not allowed",
                $"User '{username}' may not call {exchange.Path}.").ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        http.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("user_id", username), new Claim("auth_method", "basic")], "Basic"));
        return HandlerOutcome.Continue;
    }

    private static Task ChallengeAsync(HttpContext http, string code, string message, string description)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"light-gateway\", charset=\"UTF-8\"";
        return GatewayError.WriteAsync(http, StatusCodes.Status401Unauthorized, code, message, description);
    }

    private static bool TryDecode(string encoded, out string username, out string password)
    {
        username = password = "";
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':');
            if (colon <= 0)
            {
                return false;
            }

            username = text[..colon];
            password = text[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }


}
