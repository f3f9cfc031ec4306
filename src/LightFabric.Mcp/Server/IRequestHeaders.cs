using Microsoft.Extensions.Primitives;

namespace LightFabric.Mcp.Server;

/// <summary>The headers of the HTTP request that carried an MCP message, read-only, names case-insensitive.</summary>
public interface IRequestHeaders : IEnumerable<KeyValuePair<string, StringValues>>
{
    /// <summary>The values of one header; empty when it is absent.</summary>
    StringValues this[string name] { get; }
}
