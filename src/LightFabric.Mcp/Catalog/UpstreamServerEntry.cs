using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Catalog;

/// <summary>One <c>servers:</c> entry: the connection settings plus how its tools are published.</summary>
/// <param name="Required">
/// Whether startup (and a reload) waits for its first tool list, up to mcp-router.yml <c>upstreamStartupWaitMs</c>,
/// before turning ready; the tools of one that is not required join the catalog when it lists them.
/// </param>
public sealed record UpstreamServerEntry(UpstreamServerSettings Settings, string Prefix, ToolNameFilter Filter, bool Required = true);
