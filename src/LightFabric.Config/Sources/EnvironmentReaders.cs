namespace LightFabric.Config;

/// <summary>Reads environment variables; abstracted so resolution can be tested without touching the process.</summary>
public interface IEnvironmentReader
{
    string? Get(string name);
}

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IEnvironmentReader
{
    public static readonly ProcessEnvironment Instance = new();

    private ProcessEnvironment()
    {
    }

    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}

/// <summary>A fixed set of variables, for tests and tools. Names are case-sensitive, as on Linux.</summary>
public sealed class DictionaryEnvironment : IEnvironmentReader
{
    private readonly Dictionary<string, string> _vars;

    public DictionaryEnvironment(IReadOnlyDictionary<string, string> vars)
    {
        ArgumentNullException.ThrowIfNull(vars);
        _vars = new Dictionary<string, string>(vars, StringComparer.Ordinal);
    }

    public string? Get(string name) => _vars.TryGetValue(name, out var value) ? value : null;
}
