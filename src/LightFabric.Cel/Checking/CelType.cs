using System.Text;

namespace LightFabric.Cel.Checking;

/// <summary>The kind of a CEL type.</summary>
public enum CelTypeKind
{
    Dyn,
    Null,
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    List,
    Map,
    Type,
    Timestamp,
    Duration,
    Opaque,
    Message,
    TypeParam,
    Error,
}

/// <summary>
/// A CEL type, used both as a runtime type value (<c>type(x)</c>) and by the checker.
/// Instances are immutable; the common ones are cached.
/// </summary>
public sealed class CelType : IEquatable<CelType>
{
    public static readonly CelType Dyn = new(CelTypeKind.Dyn, "dyn");
    public static readonly CelType Null = new(CelTypeKind.Null, "null_type");
    public static readonly CelType Bool = new(CelTypeKind.Bool, "bool");
    public static readonly CelType Int = new(CelTypeKind.Int, "int");
    public static readonly CelType Uint = new(CelTypeKind.Uint, "uint");
    public static readonly CelType Double = new(CelTypeKind.Double, "double");
    public static readonly CelType String = new(CelTypeKind.String, "string");
    public static readonly CelType Bytes = new(CelTypeKind.Bytes, "bytes");
    public static readonly CelType Timestamp = new(CelTypeKind.Timestamp, "google.protobuf.Timestamp");
    public static readonly CelType Duration = new(CelTypeKind.Duration, "google.protobuf.Duration");
    public static readonly CelType Error = new(CelTypeKind.Error, "*error*");
    public static readonly CelType ListOfDyn = List(Dyn);
    public static readonly CelType MapOfDyn = Map(Dyn, Dyn);
    public static readonly CelType TypeOfDyn = new(CelTypeKind.Type, "type", [Dyn]);
    public static readonly CelType IpAddress = Opaque("net.IP");
    public static readonly CelType Cidr = Opaque("net.CIDR");
    public static readonly CelType OptionalOfDyn = Optional(Dyn);

    private CelType(CelTypeKind kind, string name, IReadOnlyList<CelType>? parameters = null)
    {
        Kind = kind;
        Name = name;
        Parameters = parameters ?? [];
    }

    public CelTypeKind Kind { get; }

    /// <summary>The runtime type name, e.g. <c>int</c>, <c>list</c>, <c>optional_type</c>.</summary>
    public string Name { get; }

    public IReadOnlyList<CelType> Parameters { get; }

    public static CelType List(CelType element) => new(CelTypeKind.List, "list", [element]);

    public static CelType Map(CelType key, CelType value) => new(CelTypeKind.Map, "map", [key, value]);

    public static CelType TypeOf(CelType type) => new(CelTypeKind.Type, "type", [type]);

    public static CelType Optional(CelType element) => new(CelTypeKind.Opaque, "optional_type", [element]);

    public static CelType Opaque(string name, params CelType[] parameters) => new(CelTypeKind.Opaque, name, parameters);

    public static CelType Message(string name) => new(CelTypeKind.Message, name);

    public static CelType Param(string name) => new(CelTypeKind.TypeParam, name);

    public bool IsOptional => Kind == CelTypeKind.Opaque && Name == "optional_type";

    /// <summary>The element type of a list or optional, the key type of a map.</summary>
    public CelType Param0 => Parameters.Count > 0 ? Parameters[0] : Dyn;

    public CelType Param1 => Parameters.Count > 1 ? Parameters[1] : Dyn;

    public CelType WithParameters(IReadOnlyList<CelType> parameters) => new(Kind, Name, parameters);

    /// <summary>True when both denote the same runtime type (parameters are ignored, as CEL type values are).</summary>
    public bool SameRuntimeType(CelType other) => Kind == other.Kind && Name == other.Name;

    public bool Equals(CelType? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Kind != other.Kind || Name != other.Name || Parameters.Count != other.Parameters.Count)
        {
            return false;
        }

        for (var i = 0; i < Parameters.Count; i++)
        {
            if (!Parameters[i].Equals(other.Parameters[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is CelType t && Equals(t);

    public override int GetHashCode() => HashCode.Combine(Kind, Name, Parameters.Count);

    /// <summary>Human-readable form used in messages, e.g. <c>list(int)</c>, <c>map(string, dyn)</c>.</summary>
    public override string ToString()
    {
        if (Parameters.Count == 0 || (Kind == CelTypeKind.Type && Parameters[0].Kind == CelTypeKind.Dyn))
        {
            return Kind == CelTypeKind.Type ? "type" : Name;
        }

        var sb = new StringBuilder(Name).Append('(');
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Parameters[i]);
        }

        return sb.Append(')').ToString();
    }
}
