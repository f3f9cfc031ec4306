namespace LightFabric.Runtime.Modules;

/// <summary>
/// The active modules of the running model. Replaced as a whole when a reload succeeds, so readers always
/// see one consistent set.
/// </summary>
public sealed class ModuleRegistry
{
    private volatile IReadOnlyList<ModuleInfo> _modules = [];

    public IReadOnlyList<ModuleInfo> Modules => _modules;

    public ModuleInfo? Find(string id) => _modules.FirstOrDefault(m => m.Id == id);

    public void Replace(IReadOnlyList<ModuleInfo> modules) => _modules = modules;

    /// <summary>Compares the live modules with a candidate set, module by module.</summary>
    public static IReadOnlyList<ModuleReloadResult> Diff(
        IReadOnlyList<ModuleInfo> current,
        IReadOnlyList<ModuleInfo> next,
        IReadOnlySet<string> restartOnly)
    {
        var results = new List<ModuleReloadResult>();
        var currentById = current.ToDictionary(m => m.Id);
        foreach (var module in next)
        {
            if (!currentById.Remove(module.Id, out var previous))
            {
                results.Add(new(module.Id, ModuleReloadStatus.Added));
            }
            else if (previous.Fingerprint == module.Fingerprint)
            {
                results.Add(new(module.Id, ModuleReloadStatus.Skipped));
            }
            else if (restartOnly.Contains(module.Id))
            {
                results.Add(new(module.Id, ModuleReloadStatus.RestartRequired, Join("takes effect at the next start", Changed(previous, module))));
            }
            else
            {
                results.Add(new(module.Id, ModuleReloadStatus.Reloaded, Changed(previous, module)));
            }
        }

        results.AddRange(currentById.Keys.Select(id => new ModuleReloadResult(id, ModuleReloadStatus.Removed)));
        return results;
    }

    /// <summary>"changed: a, b, c" by key path only: values (secrets among them) never reach the report.</summary>
    private static string? Changed(ModuleInfo previous, ModuleInfo next)
    {
        const int Shown = 5;
        var paths = previous.Digest.ChangedPaths(next.Digest);
        if (paths.Count == 0)
        {
            return null;
        }

        var listed = string.Join(", ", paths.Take(Shown).Select(p => p.Length == 0 ? "(whole file)" : p));
        return paths.Count > Shown ? $"changed: {listed} and {paths.Count - Shown} more" : $"changed: {listed}";
    }

    private static string Join(string first, string? second) => second is null ? first : $"{first}; {second}";
}
