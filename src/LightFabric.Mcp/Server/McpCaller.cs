using System.Text.Json.Nodes;
using LightFabric.Governance.Calls;

namespace LightFabric.Mcp.Server;

/// <summary>
/// Who is calling /mcp, worked out once per HTTP request by whoever accepted it: <see cref="Binding"/> ties a session
/// to its principal (another principal presenting the id is refused), <see cref="ClientKey"/> counts sessions per
/// client, <see cref="Claims"/> is what policies decide on.
/// </summary>
/// <param name="Binding">A stable fingerprint of the principal, or <c>peer:{ip}</c> for anonymous callers.</param>
/// <param name="ClientKey">What maxSessionsPerClient counts: client id, user id or email of the principal (else its
/// binding); for anonymous callers the client address. Never anything the client chooses, such as clientInfo.</param>
/// <param name="Authenticated">Whether a principal was verified for this request.</param>
/// <param name="Claims">The principal's claims, one value or a list per claim type; empty for anonymous callers.
/// Shared by every call of the request (and, for a verified token, of the token): read, never changed.</param>
public sealed record McpCaller(string Binding, string ClientKey, bool Authenticated, JsonObject Claims)
{
    private CallCaller? _governed;

    /// <summary>The call pipeline of the chain that accepted the request (budget, audit); the router runs its own policies first.</summary>
    public CallPipeline Governance { get; init; } = CallPipeline.Empty;

    /// <summary>The presented credential's token id (first 12 hex digits of its SHA-256), when the chain governs calls.</summary>
    public string? TokenId { get; init; }

    /// <summary>The caller as governed calls see it.</summary>
    public CallCaller Governed => _governed ??= new CallCaller(TokenId, Authenticated, Claims);

    /// <summary>An anonymous caller known by its address.</summary>
    public static McpCaller Anonymous(string peer) => new(peer, peer, false, []);
}
