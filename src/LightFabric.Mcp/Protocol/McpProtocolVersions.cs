namespace LightFabric.Mcp.Protocol;

/// <summary>MCP protocol revisions the gateway speaks, and how a client's request is answered.</summary>
public static class McpProtocolVersions
{
    public const string V2024_11_05 = "2024-11-05";
    public const string V2025_03_26 = "2025-03-26";
    public const string V2025_06_18 = "2025-06-18";
    public const string V2025_11_25 = "2025-11-25";

    /// <summary>Newest first.</summary>
    public static readonly IReadOnlyList<string> Supported = [V2025_11_25, V2025_06_18, V2025_03_26, V2024_11_05];

    public static string Latest => Supported[0];

    /// <summary>Assumed when a request carries no MCP-Protocol-Version header (the specification's rule).</summary>
    public const string AssumedWithoutHeader = V2025_03_26;

    /// <summary>The stateless revision: no initialize or session; every request carries its version and capabilities.</summary>
    public const string V2026_07_28 = "2026-07-28";

    public static readonly IReadOnlyList<string> StatelessSupported = [V2026_07_28];

    /// <summary>Every revision the gateway answers, newest first (server/discover).</summary>
    public static IEnumerable<string> All => StatelessSupported.Concat(Supported);

    public static bool IsSupported(string? version) => version is not null && Supported.Contains(version);

    /// <summary>
    /// The client's version when supported, else the newest supported: a client asking for a newer or an
    /// unknown revision is answered, not rejected, and decides itself whether it can continue.
    /// </summary>
    public static string Negotiate(string? requested) => IsSupported(requested) ? requested! : Latest;
}
