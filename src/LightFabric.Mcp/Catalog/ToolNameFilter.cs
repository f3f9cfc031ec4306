using System.Text.RegularExpressions;

namespace LightFabric.Mcp.Catalog;

/// <summary>
/// <c>tools: {include: [...], exclude: [...]}</c> of a server entry: glob patterns (<c>*</c>, <c>?</c>) over the
/// upstream's own tool names. No include list means every tool; exclude wins over include.
/// </summary>
public sealed class ToolNameFilter
{
    public static readonly ToolNameFilter All = new([], []);

    private readonly Regex[] _include;
    private readonly Regex[] _exclude;

    public ToolNameFilter(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        Include = include;
        Exclude = exclude;
        _include = include.Select(ToRegex).ToArray();
        _exclude = exclude.Select(ToRegex).ToArray();
    }

    public IReadOnlyList<string> Include { get; }

    public IReadOnlyList<string> Exclude { get; }

    public bool Allows(string toolName) =>
        (_include.Length == 0 || _include.Any(r => r.IsMatch(toolName))) && !_exclude.Any(r => r.IsMatch(toolName));

    private static Regex ToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
