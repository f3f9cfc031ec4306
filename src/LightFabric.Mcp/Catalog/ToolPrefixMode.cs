namespace LightFabric.Mcp.Catalog;

/// <summary>How names of aggregated upstream tools are made unique.</summary>
public enum ToolPrefixMode
{
    /// <summary>Every upstream tool is published as <c>{prefix}_{tool}</c>.</summary>
    Always,

    /// <summary>Only tools whose names collide are prefixed (the default).</summary>
    Conditional,

    /// <summary>Names are published as they are; a collision is an error.</summary>
    Never,
}
