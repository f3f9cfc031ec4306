using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

/// <summary>A temporary working directory with config-defaults/, config/ and config-cache/.</summary>
internal sealed class TempConfigRoot : IDisposable
{
    public TempConfigRoot()
    {
        Root = Path.Combine(Path.GetTempPath(), "lf-config-" + Guid.NewGuid().ToString("N"));
        Directories = ConfigDirectories.ForWorkingDirectory(Root);
        Directory.CreateDirectory(Directories.DefaultsDir!);
        Directory.CreateDirectory(Directories.ConfigDir);
        Directory.CreateDirectory(Directories.CacheDir);
    }

    public string Root { get; }

    public ConfigDirectories Directories { get; }

    public string Write(ConfigLayer layer, string name, string content)
    {
        var dir = layer switch
        {
            ConfigLayer.Defaults => Directories.DefaultsDir!,
            ConfigLayer.Local => Directories.ConfigDir,
            ConfigLayer.Cache => Directories.CacheDir,
            _ => throw new ArgumentOutOfRangeException(nameof(layer)),
        };
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

internal static class Env
{
    public static DictionaryEnvironment Of(params (string Name, string Value)[] vars) =>
        new(vars.ToDictionary(v => v.Name, v => v.Value));

    public static readonly DictionaryEnvironment None = Of();
}

internal static class Resolvers
{
    public static PlaceholderResolver Create(string valuesYaml = "", IEnvironmentReader? env = null, SecretDecryptor? decryptor = null) =>
        new(ConfigValues.Parse(valuesYaml, "values.yml"), env ?? Env.None, decryptor ?? new SecretDecryptor(null, null));

    public static JsonNode? ResolveFile(this PlaceholderResolver resolver, string yaml, string fileName = "test.yml") =>
        resolver.Resolve(ConfigYaml.Parse(yaml, fileName), fileName).Value;
}
