namespace LightFabric.Mcp.Server;

/// <summary>
/// Who is calling /mcp, as the transport needs it: <see cref="Binding"/> ties a session to its principal
/// (another principal presenting the id is refused), <see cref="ClientKey"/> counts sessions per client.
/// </summary>
/// <param name="Binding">A stable fingerprint of the principal, or <c>peer:{ip}</c> for anonymous callers.</param>
/// <param name="ClientKey">client id, user id or email of the principal; null for anonymous callers, whose
/// key is then taken from clientInfo name and version at initialize.</param>
/// <param name="Authenticated">Whether a principal was verified for this request.</param>
public sealed record McpCaller(string Binding, string? ClientKey, bool Authenticated);
