namespace LightFabric.Config;

/// <summary>
/// A settings block that may be written as the value of one of its properties alone: with
/// <c>[ConfigShorthand("exec")]</c>, <c>chain: [a, b]</c> binds as <c>chain: {exec: [a, b]}</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConfigShorthandAttribute(string property) : Attribute
{
    public string Property { get; } = property;
}
