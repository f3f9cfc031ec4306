namespace LightFabric.Mcp.Server;

/// <summary>
/// Who is calling /mcp, as the transport needs it: <see cref="Binding"/> ties a session to its principal
/// (another principal presenting the id is refused), <see cref="ClientKey"/> counts sessions per client.
/// </summary>
/// <param name="Binding">A stable fingerprint of the principal, or <c>peer:{ip}</c> for anonymous callers.</param>
/// <param name="ClientKey">What maxSessionsPerClient counts: client id, user id or email of the principal (else its
/// binding); for anonymous callers the client address. Never anything the client chooses, such as clientInfo.</param>
/// <param name="Authenticated">Whether a principal was verified for this request.</param>
public sealed record McpCaller(string Binding, string ClientKey, bool Authenticated);
