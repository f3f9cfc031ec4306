using System.Text.Json.Nodes;

namespace LightFabric.Runtime.Modules;

/// <summary>
/// One active module as the registry shows it: its id (<c>light-gateway/cors</c>), the config file it was
/// built from, where that file came from, and the resolved config with secrets masked.
/// </summary>
public sealed record ModuleInfo(
    string Id,
    string? ConfigFile,
    string? Provenance,
    JsonObject? MaskedConfig,
    bool Reloadable,
    string Fingerprint)
{
    /// <summary>A module whose config is not read from a file (e.g. runtime/logging).</summary>
    public static ModuleInfo Builtin(string id, JsonObject? config, bool reloadable = true) =>
        new(id, null, "builtin", config, reloadable, config?.ToJsonString() ?? "");
}
