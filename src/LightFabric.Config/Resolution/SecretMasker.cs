using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Config;

/// <summary>
/// Produces listings that never show secrets: decrypted paths, and scalars under keys whose names look
/// sensitive (password, secret, apiKey, privateKey, authorization, credential, ...Token), become "****".
/// Null and empty values stay visible so an operator can still see that a secret is unset.
/// </summary>
internal static class SecretMasker
{
    public const string MaskText = "****";

    private static readonly string[] SensitiveFragments =
        ["password", "passwd", "passphrase", "secret", "apikey", "privatekey", "authorization", "credential"];

    public static JsonObject Mask(JsonObject values, IReadOnlySet<string> secretPaths)
    {
        var copy = (JsonObject)MaskNode(values, "", secretPaths, sensitive: false)!;
        return copy;
    }

    /// <summary>True for key names that usually hold credentials, compared without case, '-' or '_'.</summary>
    public static bool IsSensitiveKey(string key)
    {
        var normalized = key.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        return normalized.EndsWith("token", StringComparison.Ordinal)
               || SensitiveFragments.Any(fragment => normalized.Contains(fragment, StringComparison.Ordinal));
    }

    private static JsonNode? MaskNode(JsonNode? node, string path, IReadOnlySet<string> secretPaths, bool sensitive)
    {
        if (path.Length > 0 && secretPaths.Contains(path))
        {
            return JsonValue.Create(MaskText);
        }

        switch (node)
        {
            case JsonObject obj:
            {
                var result = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    result[key] = MaskNode(child, ConfigPath.Child(path, key), secretPaths, IsSensitiveKey(key));
                }

                return result;
            }
            case JsonArray array:
            {
                // A list under a sensitive key (credentials: [..]) masks its scalars too.
                var result = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    result.Add(MaskNode(array[i], ConfigPath.Index(path, i), secretPaths, sensitive));
                }

                return result;
            }
            case null:
                return null;
            default:
                var isEmpty = node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Length == 0;
                return sensitive && !isEmpty ? JsonValue.Create(MaskText) : node.DeepClone();
        }
    }
}
