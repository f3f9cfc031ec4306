namespace LightFabric.Config;

/// <summary>
/// Another name a record property is written under (snake_case from config-server, a peer product's spelling). The
/// binder reads the alias when the property's own name is absent; the unknown-key check knows it.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ConfigAliasAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
