using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Catalog;

/// <summary>One tool as clients see it (<see cref="Definition"/>, already carrying the public name) and where it goes.</summary>
public sealed record CatalogTool(string Name, JsonObject Definition, ToolTarget Target);
