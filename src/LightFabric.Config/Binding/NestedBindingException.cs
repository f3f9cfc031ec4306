using System.Text.Json;

namespace LightFabric.Config;

/// <summary>
/// Carries the key path of a failure inside a list or map element across the nested serializer calls the
/// flexible collection converters make; System.Text.Json would otherwise report only the inner path.
/// Path is left null so the outer serializer fills in where the collection itself sits.
/// </summary>
internal sealed class NestedBindingException : JsonException
{
    private NestedBindingException(string originalMessage, string relativePath, Exception inner)
        : base(originalMessage, inner)
    {
        OriginalMessage = originalMessage;
        RelativePath = relativePath;
    }

    public string OriginalMessage { get; }

    /// <summary>The part of the path below the collection, e.g. "[1].path".</summary>
    public string RelativePath { get; }

    public static NestedBindingException Wrap(JsonException inner, string prefix)
    {
        var innerPath = inner.Path is { } path && path.StartsWith('$') ? path[1..] : inner.Path ?? "";
        var deeper = inner is NestedBindingException nested ? nested.RelativePath : "";
        var message = inner is NestedBindingException n ? n.OriginalMessage : inner.Message;
        return new NestedBindingException(message, prefix + innerPath + deeper, inner);
    }
}
