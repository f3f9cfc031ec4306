using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LightFabric.Runtime.Modules;

/// <summary>
/// A module's resolved configuration (after placeholders and CRYPT: decryption) reduced to one keyed hash per
/// value, by key path. Reload compares these, so a changed secret counts as a change although every listing
/// masks it, and the report can name what changed without holding or printing any value. The key is random
/// per process, so a digest cannot be used to guess a short secret offline.
/// </summary>
public sealed class ConfigDigest
{
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    private readonly IReadOnlyDictionary<string, string> _byPath;

    private ConfigDigest(IReadOnlyDictionary<string, string> byPath, string fingerprint)
    {
        _byPath = byPath;
        Fingerprint = fingerprint;
    }

    public static ConfigDigest Empty { get; } = new(new Dictionary<string, string>(), "");

    /// <summary>One text for the whole configuration; equal texts mean equal configurations.</summary>
    public string Fingerprint { get; }

    public static ConfigDigest Of(JsonNode? resolved)
    {
        var byPath = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Collect(resolved, "", byPath);
        var whole = string.Join("\n", byPath.Select(p => $"{p.Key}={p.Value}"));
        return new ConfigDigest(byPath, Hash(whole));
    }

    /// <summary>Key paths whose value differs, was added or was removed, in order.</summary>
    public IReadOnlyList<string> ChangedPaths(ConfigDigest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _byPath.Keys.Union(other._byPath.Keys)
            .Where(path => !(_byPath.TryGetValue(path, out var mine) && other._byPath.TryGetValue(path, out var theirs) && mine == theirs))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static void Collect(JsonNode? node, string path, IDictionary<string, string> byPath)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (key, child) in obj)
                {
                    Collect(child, path.Length == 0 ? key : $"{path}.{key}", byPath);
                }

                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i], $"{path}[{i}]", byPath);
                }

                break;
            default:
                // Empty maps and lists are values too: "[]" and "{}" differ from a missing key.
                byPath[path] = Hash(node?.ToJsonString() ?? "null");
                break;
        }
    }

    private static string Hash(string text) => Convert.ToHexString(HMACSHA256.HashData(ProcessKey, Encoding.UTF8.GetBytes(text)));
}
