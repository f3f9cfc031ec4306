using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Config;

/// <summary>One resolution pass over one file: collects problems and decrypted paths instead of stopping at the first error.</summary>
internal sealed class PlaceholderResolution
{
    private readonly PlaceholderResolver _resolver;
    private readonly string _file;
    private readonly ParsedYaml? _parsed;
    private readonly List<string> _activeKeys = [];

    public PlaceholderResolution(PlaceholderResolver resolver, string file, ParsedYaml? parsed, string basePath = "")
    {
        _resolver = resolver;
        _file = file;
        _parsed = parsed;
        _basePath = basePath;
    }

    private readonly string _basePath;

    public List<ConfigProblem> Problems { get; } = [];

    public HashSet<string> SecretPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths whose value came from values or the environment rather than the file, and from where.</summary>
    public Dictionary<string, ValueOrigin> Origins { get; } = new(StringComparer.Ordinal);

    public JsonNode? ResolveNode(JsonNode? node, string path, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var result = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    result[key] = ResolveNode(child, ConfigPath.Child(path, key), depth);
                }

                return result;
            }
            case JsonArray array:
            {
                var result = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    result.Add(ResolveNode(array[i], ConfigPath.Index(path, i), depth));
                }

                return result;
            }
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return ResolveString(value.GetValue<string>(), path, depth).Value;
            default:
                return node?.DeepClone();
        }
    }

    private Outcome ResolveString(string text, string path, int depth)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return Decrypted(JsonValue.Create(text), path);
        }

        if (TrySplitWhole(text, out var key, out var fallback))
        {
            return Decrypted(ResolvePlaceholder(key, fallback, path, depth), path);
        }

        var expanded = Expand(text, path, depth);
        return expanded is null ? Outcome.Failed : Decrypted(Outcome.Of(JsonValue.Create(expanded)), path);
    }

    private string? Expand(string text, string path, int depth)
    {
        var builder = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("${", position, StringComparison.Ordinal);
            if (open < 0)
            {
                builder.Append(text, position, text.Length - position);
                break;
            }

            builder.Append(text, position, open - position);
            var close = FindClose(text, open + 2);
            if (close < 0)
            {
                Report($"unterminated placeholder in '{Shorten(text)}'; close it with '}}'", path);
                return null;
            }

            var (key, fallback) = SplitInner(text[(open + 2)..close]);
            // Only a whole placeholder supplies the value at this path; text around an embedded one is the file's.
            var hadOrigin = Origins.Remove(path, out var origin);
            var resolved = ResolvePlaceholder(key, fallback, path, depth);
            Origins.Remove(path);
            if (hadOrigin)
            {
                Origins[path] = origin!;
            }

            if (resolved.IsFailed)
            {
                return null;
            }

            builder.Append(AsText(resolved.Value));
            position = close + 1;
        }

        return builder.ToString();
    }

    private Outcome ResolvePlaceholder(string key, string? fallback, string path, int depth)
    {
        if (key.Length == 0)
        {
            Report("empty placeholder; write ${key} or ${key:default}", path);
            return Outcome.Failed;
        }

        if (key.Contains('$') || key.Contains('{'))
        {
            Report($"placeholder key '{key}' must be plain text; placeholders are allowed only in the default part", path);
            return Outcome.Failed;
        }

        if (depth >= PlaceholderResolver.MaxDepth)
        {
            Report($"placeholder '${{{key}}}' nests deeper than {PlaceholderResolver.MaxDepth} levels through values and defaults; simplify the chain", path);
            return Outcome.Failed;
        }

        foreach (var name in PlaceholderResolver.EnvironmentNames(key))
        {
            var fromEnvironment = _resolver.Environment.Get(name);
            if (fromEnvironment is not null)
            {
                Origins[path] = new ValueOrigin($"environment variable {name}", null);
                return Decrypted(Outcome.Of(YamlScalars.TypeInjected(fromEnvironment)), path);
            }
        }

        if (_resolver.Values.TryGet(key, out var fromValues))
        {
            // Set before resolving the value, which may record more specific origins below this path.
            Origins[path] = new ValueOrigin(_resolver.Values.SourceOf(key) ?? "values.yml", key);
            if (_activeKeys.Contains(key, StringComparer.Ordinal))
            {
                var chain = string.Join(" -> ", _activeKeys.SkipWhile(k => k != key).Append(key));
                Report($"placeholder cycle in values: {chain}; make one of these values a literal", path);
                return Outcome.Failed;
            }

            _activeKeys.Add(key);
            var problemsBefore = Problems.Count;
            var resolved = ResolveNode(fromValues, path, depth + 1);
            _activeKeys.RemoveAt(_activeKeys.Count - 1);
            return Problems.Count > problemsBefore ? Outcome.Failed : Decrypted(Outcome.Of(resolved), path);
        }

        if (fallback is not null)
        {
            return ResolveDefault(fallback, path, depth + 1);
        }

        var names = PlaceholderResolver.EnvironmentNames(key);
        Report($"unresolved placeholder '${{{key}}}': set environment variable {names[0]}, add '{key}' to values.yml, or give a default with ${{{key}:default}}", path);
        return Outcome.Failed;
    }

    private Outcome ResolveDefault(string fallback, string path, int depth)
    {
        if (TrySplitWhole(fallback, out var key, out var nested))
        {
            return ResolvePlaceholder(key, nested, path, depth);
        }

        if (!fallback.Contains("${", StringComparison.Ordinal))
        {
            return Decrypted(Outcome.Of(YamlScalars.TypeInjected(fallback)), path);
        }

        var expanded = Expand(fallback, path, depth);
        return expanded is null ? Outcome.Failed : Decrypted(Outcome.Of(YamlScalars.TypeInjected(expanded)), path);
    }

    private Outcome Decrypted(Outcome outcome, string path)
    {
        if (outcome.IsFailed || outcome.Value is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return outcome;
        }

        var text = value.GetValue<string>();
        if (!SecretDecryptor.IsEncrypted(text))
        {
            return outcome;
        }

        try
        {
            var plain = _resolver.Decryptor.Decrypt(text);
            SecretPaths.Add(path);
            return Outcome.Of(JsonValue.Create(plain));
        }
        catch (SecretDecryptionException ex)
        {
            Report($"encrypted value {ex.Reason}", path);
            return Outcome.Failed;
        }
    }

    private Outcome Decrypted(JsonNode? node, string path) => Decrypted(Outcome.Of(node), path);

    private void Report(string message, string path)
    {
        var key = path.Length == 0 ? _basePath : _basePath.Length == 0 ? path : ConfigPath.Child(_basePath, path);
        // A problem met while resolving a values entry is reported where the file used it; say which entry.
        if (_activeKeys.Count > 0 && !message.StartsWith("placeholder cycle", StringComparison.Ordinal))
        {
            message += $" (while resolving values key '{_activeKeys[^1]}')";
        }

        Problems.Add(new ConfigProblem(message, _file, key.Length == 0 ? null : key, _parsed?.LineOf(path)));
    }

    /// <summary>True when the text is exactly one placeholder, braces balanced ("${a:${b:}}", "${x:{}}").</summary>
    private static bool TrySplitWhole(string text, out string key, out string? fallback)
    {
        if (text.StartsWith("${", StringComparison.Ordinal) && FindClose(text, 2) == text.Length - 1)
        {
            (key, fallback) = SplitInner(text[2..^1]);
            return true;
        }

        key = "";
        fallback = null;
        return false;
    }

    private static (string Key, string? Fallback) SplitInner(string inner)
    {
        var colon = inner.IndexOf(':');
        return colon < 0 ? (inner.Trim(), null) : (inner[..colon].Trim(), inner[(colon + 1)..]);
    }

    // Counts every brace so flow defaults ("${x:{a: 1}}") and nested placeholders close correctly.
    private static int FindClose(string text, int start)
    {
        var depth = 1;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string AsText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private readonly record struct Outcome(JsonNode? Value, bool IsFailed)
    {
        public static Outcome Failed => new(null, true);

        public static Outcome Of(JsonNode? value) => new(value, false);
    }
}
