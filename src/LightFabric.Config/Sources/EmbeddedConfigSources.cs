using System.Reflection;
using System.Text;

namespace LightFabric.Config;

/// <summary>Default configuration files compiled into an executable, looked up by relative name ("server.yml", "oauth/x.yml").</summary>
public interface IEmbeddedConfigSource
{
    IReadOnlyList<string> Names { get; }

    bool TryRead(string name, out string content);
}

/// <summary>
/// Embedded resources whose LogicalName starts with a prefix, e.g.
/// <c>&lt;EmbeddedResource Include="config/**/*.yml" LogicalName="config/%(RecursiveDir)%(Filename)%(Extension)" /&gt;</c>.
/// </summary>
public sealed class AssemblyEmbeddedConfig : IEmbeddedConfigSource
{
    private readonly Assembly _assembly;
    private readonly Dictionary<string, string> _resourceByName;

    public AssemblyEmbeddedConfig(Assembly assembly, string prefix = "config/")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(prefix);
        _assembly = assembly;
        // MSBuild on Windows can produce backslashes in %(RecursiveDir); names are normalised to '/'.
        _resourceByName = assembly.GetManifestResourceNames()
            .Select(resource => (resource, normalized: resource.Replace('\\', '/')))
            .Where(r => r.normalized.StartsWith(prefix, StringComparison.Ordinal) && r.normalized.Length > prefix.Length)
            .ToDictionary(r => r.normalized[prefix.Length..], r => r.resource, StringComparer.Ordinal);
        Names = _resourceByName.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    public bool TryRead(string name, out string content)
    {
        content = "";
        if (!_resourceByName.TryGetValue(name, out var resource))
        {
            return false;
        }

        using var stream = _assembly.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return false;
        }

        using var reader = new StreamReader(stream, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true);
        content = reader.ReadToEnd();
        return true;
    }
}

/// <summary>No embedded defaults.</summary>
public sealed class EmptyEmbeddedConfig : IEmbeddedConfigSource
{
    public static readonly EmptyEmbeddedConfig Instance = new();

    private EmptyEmbeddedConfig()
    {
    }

    public IReadOnlyList<string> Names => [];

    public bool TryRead(string name, out string content)
    {
        content = "";
        return false;
    }
}

/// <summary>Embedded defaults held in memory, for tests and tools that assemble a template set at run time.</summary>
public sealed class InMemoryEmbeddedConfig : IEmbeddedConfigSource
{
    private readonly Dictionary<string, string> _files;

    public InMemoryEmbeddedConfig(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = new Dictionary<string, string>(files, StringComparer.Ordinal);
        Names = _files.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    public bool TryRead(string name, out string content)
    {
        if (_files.TryGetValue(name, out var value))
        {
            content = value;
            return true;
        }

        content = "";
        return false;
    }
}
