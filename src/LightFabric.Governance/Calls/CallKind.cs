namespace LightFabric.Governance.Calls;

/// <summary>What kind of call is governed.</summary>
public enum CallKind
{
    /// <summary>An MCP request that reaches an upstream (tools/call, resources/read, prompts/get, completion/complete).</summary>
    Mcp,

    /// <summary>An HTTP request forwarded by a proxy route.</summary>
    Http,
}
