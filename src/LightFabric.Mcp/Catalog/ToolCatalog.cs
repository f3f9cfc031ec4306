using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace LightFabric.Mcp.Catalog;

/// <summary>
/// The merged tool list one router publishes: immutable, swapped whole when an upstream's list or the
/// configuration changes.
/// </summary>
public sealed class ToolCatalog
{
    public static readonly ToolCatalog Empty = new([]);

    private readonly FrozenDictionary<string, CatalogTool> _byName;
    private readonly FrozenDictionary<string, CatalogTool> _byAlias;

    public ToolCatalog(IReadOnlyList<CatalogTool> tools)
    {
        Tools = tools;
        _byName = tools.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

        // Clients sometimes change case or punctuation of a name; an alias that fits two tools is dropped.
        _byAlias = tools
            .GroupBy(t => AliasKey(t.Name))
            .Where(g => g.Key.Length > 0 && g.Count() == 1)
            .ToFrozenDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);

        var content = new StringBuilder();
        foreach (var tool in tools)
        {
            content.Append(tool.Definition.ToJsonString()).Append('\n');
        }

        Fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString())));
    }

    public IReadOnlyList<CatalogTool> Tools { get; }

    /// <summary>Hash of what clients see; equal fingerprints mean no list_changed is due.</summary>
    public string Fingerprint { get; }

    /// <summary>Exact name first, then a case- and punctuation-insensitive alias.</summary>
    public bool TryFind(string name, out CatalogTool tool) =>
        _byName.TryGetValue(name, out tool!) || _byAlias.TryGetValue(AliasKey(name), out tool!);

    private static string AliasKey(string name)
    {
        var buffer = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }
}
