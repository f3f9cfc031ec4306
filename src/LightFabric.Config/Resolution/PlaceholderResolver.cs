using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace LightFabric.Config;

/// <summary>A resolved configuration tree and the key paths whose values were decrypted.</summary>
/// <param name="SecretPaths">Paths like "tls.keyPassword" or "users[0].password"; mask these in any listing.</param>
public sealed record ResolvedTree(JsonNode? Value, IReadOnlySet<string> SecretPaths)
{
    /// <summary>Paths whose value came from values or the environment, and from where.</summary>
    public IReadOnlyDictionary<string, ValueOrigin> Origins { get; init; } = new Dictionary<string, ValueOrigin>();
}

/// <summary>
/// Resolves <c>${key}</c> and <c>${key:default}</c> placeholders and decrypts <c>CRYPT:</c> values.
/// Lookup order: environment (KEY upper-cased with '.' and '-' as '_', then the exact key) &gt; values &gt; default.
/// A string that is exactly one placeholder takes the type of what it resolves to; placeholders inside
/// longer text are expanded as text. Resolution through values and defaults nests at most
/// <see cref="MaxDepth"/> levels and cycles are reported.
/// </summary>
public sealed class PlaceholderResolver
{
    public const int MaxDepth = 16;

    public PlaceholderResolver(ConfigValues values, IEnvironmentReader environment, SecretDecryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(decryptor);
        Values = values;
        Environment = environment;
        Decryptor = decryptor;
    }

    internal ConfigValues Values { get; }

    internal IEnvironmentReader Environment { get; }

    internal SecretDecryptor Decryptor { get; }

    /// <summary>Resolves every placeholder and CRYPT value; throws one <see cref="ConfigException"/> listing every problem in the file.</summary>
    public ResolvedTree Resolve(JsonNode? tree, string fileName) => Resolve(tree, fileName, null);

    internal ResolvedTree Resolve(JsonNode? tree, string fileName, ParsedYaml? parsed)
    {
        var run = new PlaceholderResolution(this, fileName, parsed);
        var value = run.ResolveNode(tree, "", 0);
        if (run.Problems.Count > 0)
        {
            throw new ConfigException(run.Problems);
        }

        return new ResolvedTree(value, run.SecretPaths.ToFrozenSet(StringComparer.Ordinal)) { Origins = run.Origins.ToFrozenDictionary(StringComparer.Ordinal) };
    }

    /// <summary>
    /// Resolves one scalar text by the same rules: a whole placeholder keeps its type, embedded placeholders
    /// expand, and text without placeholders is typed as a YAML scalar. CRYPT values are decrypted.
    /// </summary>
    public JsonNode? ResolveText(string text, string location)
    {
        ArgumentNullException.ThrowIfNull(text);
        // "server.yml: tlsKeyPassword" reports as file "server.yml", key "tlsKeyPassword".
        var separator = location.IndexOf(": ", StringComparison.Ordinal);
        var run = separator < 0
            ? new PlaceholderResolution(this, location, null)
            : new PlaceholderResolution(this, location[..separator], null, location[(separator + 2)..]);
        var value = text.Contains("${", StringComparison.Ordinal)
            ? run.ResolveNode(JsonValue.Create(text), "", 0)
            : run.ResolveNode(YamlScalars.TypeInjected(text), "", 0);
        if (run.Problems.Count > 0)
        {
            throw new ConfigException(run.Problems);
        }

        return value;
    }

    /// <summary>Environment variable names tried for a key, in order.</summary>
    public static IReadOnlyList<string> EnvironmentNames(string key)
    {
        var mapped = key.ToUpperInvariant().Replace('.', '_').Replace('-', '_');
        return mapped == key ? [key] : [mapped, key];
    }
}
