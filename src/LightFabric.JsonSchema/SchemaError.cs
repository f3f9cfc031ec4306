namespace LightFabric.JsonSchema;

/// <summary>One validation error: where in the instance (a JSON Pointer, "" for the whole value), which keyword, why.</summary>
public sealed record SchemaError(string InstancePath, string Keyword, string Message)
{
    public override string ToString() => $"{(InstancePath.Length == 0 ? "/" : InstancePath)}: {Message} ({Keyword})";
}

/// <summary>The outcome of one validation: valid, or the first errors found.</summary>
public sealed record SchemaValidationResult(bool IsValid, IReadOnlyList<SchemaError> Errors)
{
    public static SchemaValidationResult Valid { get; } = new(true, []);
}

/// <summary>A schema that cannot be compiled: malformed, over a bound, or with a reference the gateway cannot resolve.</summary>
public sealed class JsonSchemaException(string message) : Exception(message);
