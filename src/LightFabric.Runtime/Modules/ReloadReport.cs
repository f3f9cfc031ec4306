namespace LightFabric.Runtime.Modules;

public sealed record ModuleReloadResult(string Module, ModuleReloadStatus Status, string? Message = null);

/// <summary>What a reload did, module by module. <see cref="Applied"/> is false when the last good model was kept.</summary>
public sealed record ReloadReport(bool Applied, IReadOnlyList<ModuleReloadResult> Modules, IReadOnlyList<string> Problems)
{
    public override string ToString()
    {
        var parts = Modules
            .Where(m => m.Status != ModuleReloadStatus.Skipped)
            .Select(m => m.Message is null ? $"{m.Module}: {m.Status.ToString().ToLowerInvariant()}" : $"{m.Module}: {m.Status.ToString().ToLowerInvariant()} ({m.Message})");
        var skipped = Modules.Count(m => m.Status == ModuleReloadStatus.Skipped);
        var summary = string.Join("; ", parts);
        return Applied
            ? $"reload applied: {(summary.Length == 0 ? "no module changed" : summary)}; {skipped} unchanged"
            : $"reload rejected, last good configuration kept: {string.Join("; ", Problems)}";
    }
}
