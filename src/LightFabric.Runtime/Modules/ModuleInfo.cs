using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Runtime.Modules;

/// <summary>
/// One active module as the registry shows it: its id (<c>light-gateway/cors</c>), the config file it was
/// built from, where that file came from, and the resolved config with secrets masked.
/// </summary>
/// <param name="Fingerprint">Equal for equal resolved configurations, secrets included; never shows a value.</param>
public sealed record ModuleInfo(
    string Id,
    string? ConfigFile,
    string? Provenance,
    JsonObject? MaskedConfig,
    bool Reloadable,
    string Fingerprint)
{
    /// <summary>Per-value hashes of the resolved config, so a reload can name the key paths that changed.</summary>
    public ConfigDigest Digest { get; init; } = ConfigDigest.Empty;

    /// <summary>
    /// A module built from a config file. Change detection uses the resolved values (after placeholders and
    /// decryption), not the masked listing, so a new API key or password is a change.
    /// </summary>
    public static ModuleInfo FromConfig(string id, LoadedConfig config, bool reloadable = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        var digest = ConfigDigest.Of(config.Values);
        var fileName = config.Name.Contains('.', StringComparison.Ordinal) ? config.Name : config.Name + ".yml";
        return new ModuleInfo(id, fileName, config.Provenance, config.Masked(), reloadable, digest.Fingerprint) { Digest = digest };
    }

    /// <summary>A module whose config is not read from a file (e.g. runtime/logging).</summary>
    public static ModuleInfo Builtin(string id, JsonObject? config, bool reloadable = true)
    {
        var digest = ConfigDigest.Of(config);
        return new(id, null, "builtin", config, reloadable, digest.Fingerprint) { Digest = digest };
    }
}
