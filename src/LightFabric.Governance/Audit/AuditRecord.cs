using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LightFabric.Governance.Audit;

/// <summary>
/// One governed call (an MCP tools/call, resources/read..., or an HTTP request through a proxy route), as written to
/// the audit trail: one JSON object per line, camelCase, nulls omitted (see <see cref="AuditJson"/>).
/// </summary>
/// <remarks>
/// <see cref="PrevHash"/> and <see cref="Hash"/> are set by <see cref="AuditWriter"/>, never by the producer.
/// <see cref="Hash"/> is the lowercase hex SHA-256 of the record's canonical form: the exact bytes
/// <see cref="AuditJson.Canonical"/> produces, which is the record serialized by <see cref="AuditJsonContext"/> with
/// <see cref="Hash"/> = null (so without the hash property) and <see cref="PrevHash"/> set. <see cref="PrevHash"/> is the
/// previous record's hash, or <see cref="AuditJson.GenesisHash"/> (64 zeros) for the first record ever. Properties are
/// serialized in declaration order, so <see cref="Hash"/> is always the last one on a line.
/// </remarks>
public sealed record AuditRecord
{
    /// <summary>A UUIDv7 (<see cref="Guid.CreateVersion7()"/>) as text: unique and in time order.</summary>
    public required string Id { get; init; }

    /// <summary>When the call started, UTC; written as ISO-8601 with milliseconds (finer precision is dropped).</summary>
    [JsonConverter(typeof(AuditTimeConverter))]
    public required DateTimeOffset Time { get; init; }

    public string? ServiceId { get; init; }

    public string? Instance { get; init; }

    public string? CorrelationId { get; init; }

    public string? TraceId { get; init; }

    /// <summary>"mcp" or "http".</summary>
    public required string Kind { get; init; }

    /// <summary>tools/call, resources/read, GET...</summary>
    public required string Method { get; init; }

    /// <summary>The tool name or the route path.</summary>
    public required string Target { get; init; }

    public string? Upstream { get; init; }

    public string? Subject { get; init; }

    public string? TokenId { get; init; }

    public string? PrincipalSub { get; init; }

    public string? PrincipalClientId { get; init; }

    /// <summary>What each policy decided, in the order they ran.</summary>
    public IReadOnlyList<AuditDecision> Decisions { get; init; } = [];

    public long Cost { get; init; }

    public long? Remaining { get; init; }

    /// <summary>ok | tool-error | upstream-error | timeout | denied.</summary>
    public required string Outcome { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>Lowercase hex SHA-256 of the arguments as sent.</summary>
    public string? ArgumentsDigest { get; init; }

    /// <summary>The arguments themselves, only when the audit handler is configured to keep them.</summary>
    public JsonNode? Arguments { get; init; }

    public string? ConfigVersion { get; init; }

    public string? PrevHash { get; init; }

    public string? Hash { get; init; }
}

/// <summary>
/// One policy's verdict on a call. <paramref name="Decision"/>: "allowed" | "denied" | "would-deny" (budgets also
/// "soft-over" and "observed"); <paramref name="Mode"/>: "control" | "observe" | "soft".
/// </summary>
public sealed record AuditDecision(string Policy, string Decision, string Mode, string? Code = null, string? Reason = null);

/// <summary>The JSON form of <see cref="AuditRecord"/>; generated, so serializing costs no reflection.</summary>
/// <remarks>
/// Unknown properties are refused when reading: a property added to a line would not change the re-serialized
/// canonical form, so it could otherwise slip past verification.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AuditRecord))]
public sealed partial class AuditJsonContext : JsonSerializerContext;

/// <summary>The canonical bytes and hashes of audit records.</summary>
public static class AuditJson
{
    /// <summary>The <see cref="AuditRecord.PrevHash"/> of the first record ever.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly byte[] HashPrefix = ",\"hash\":\""u8.ToArray();

    /// <summary>The record's canonical form: its serialized bytes with <see cref="AuditRecord.Hash"/> = null.</summary>
    public static byte[] Canonical(AuditRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record with { Hash = null }, AuditJsonContext.Default.AuditRecord);

    /// <summary>Lowercase hex SHA-256 of <see cref="Canonical"/>.</summary>
    public static string ComputeHash(AuditRecord record) => HashOf(Canonical(record));

    /// <summary>The record as one line (no newline), exactly as the writer writes it.</summary>
    public static byte[] Serialize(AuditRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, AuditJsonContext.Default.AuditRecord);

    /// <summary>Reads one line; throws <see cref="JsonException"/> when it is not a whole record.</summary>
    public static AuditRecord Deserialize(ReadOnlySpan<byte> line) =>
        JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditRecord) ?? throw new JsonException("null is not a record");

    /// <summary>
    /// Chains <paramref name="record"/> after <paramref name="prevHash"/>: returns the sealed record, its line and its
    /// hash. The line is the canonical bytes with the hash property spliced in before the closing brace, which is what
    /// serializing the sealed record gives (Hash is the last property), without serializing twice.
    /// </summary>
    public static (AuditRecord Record, byte[] Line, string Hash) Seal(AuditRecord record, string prevHash)
    {
        var canonical = Canonical(record with { PrevHash = prevHash });
        var hash = HashOf(canonical);
        var line = new byte[canonical.Length + HashPrefix.Length + hash.Length + 1];
        canonical.AsSpan(0, canonical.Length - 1).CopyTo(line);
        var at = canonical.Length - 1;
        HashPrefix.CopyTo(line.AsSpan(at));
        at += HashPrefix.Length;
        System.Text.Encoding.ASCII.GetBytes(hash, line.AsSpan(at));
        line[^2] = (byte)'"';
        line[^1] = (byte)'}';
        return (record with { PrevHash = prevHash, Hash = hash }, line, hash);
    }

    internal static string HashOf(ReadOnlySpan<byte> bytes) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}

/// <summary>UTC, ISO-8601 with exactly three fraction digits, so every record's time has one spelling.</summary>
internal sealed class AuditTimeConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("time must be a string");
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
