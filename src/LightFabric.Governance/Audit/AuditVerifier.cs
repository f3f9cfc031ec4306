using System.Text.Json;

namespace LightFabric.Governance.Audit;

/// <summary>The outcome of <see cref="AuditVerifier.Verify"/>; on failure <see cref="File"/>, <see cref="Line"/> (1-based)
/// and <see cref="Reason"/> name the first bad line.</summary>
/// <param name="Records">Records verified before the first bad line (all of them when <see cref="Ok"/>).</param>
/// <param name="FirstPrevHash">The first record's prevHash: <see cref="AuditJson.GenesisHash"/> when the files start
/// at the chain's beginning, else the hash of a record in an older file that was not given.</param>
/// <param name="Files">The files in the order they were verified.</param>
public sealed record AuditVerification(
    bool Ok, long Records, string? File, long? Line, string? Reason, string? FirstPrevHash, string? LastHash, IReadOnlyList<string> Files)
{
    public bool StartsAtGenesis => FirstPrevHash == AuditJson.GenesisHash;
}

/// <summary>Checks an audit trail's hash chain across its JSONL files.</summary>
public static class AuditVerifier
{
    public const string HashMismatch = "hash does not match the record";
    public const string PrevHashMismatch = "prevHash does not match the previous record's hash";
    public const string NotARecord = "not a JSON record";
    public const string NotCanonical = "the line is not the record's canonical JSON";
    public const string TornLastLine = "torn last line";

    /// <summary>
    /// Verifies <paramref name="files"/> as one chain. They are put in chain order first, whatever order they come in
    /// (see <see cref="JsonlAuditFile.ChainOrder"/>: rotated files by day, <c>audit.jsonl</c> last), so passing
    /// <c>audit/*.jsonl</c> verifies across rotations. The first record's prevHash is taken as given (older files may
    /// have been archived); every later one must be the previous record's hash. Every line must be a whole record in
    /// its canonical form whose hash is the SHA-256 of its canonical JSON without the hash property.
    /// </summary>
    public static AuditVerification Verify(IEnumerable<string> files)
    {
        var ordered = JsonlAuditFile.ChainOrder(files);
        long records = 0;
        string? first = null;
        string? previous = null;
        foreach (var file in ordered)
        {
            IEnumerator<JsonlLines.Line> lines;
            try
            {
                lines = JsonlLines.Read(file).GetEnumerator();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail(file, null, $"cannot be read: {ex.Message}");
            }

            using (lines)
            {
                while (true)
                {
                    try
                    {
                        if (!lines.MoveNext())
                        {
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        return Fail(file, null, $"cannot be read: {ex.Message}");
                    }

                    var line = lines.Current;
                    if (!line.Terminated)
                    {
                        return Fail(file, line.Number, TornLastLine);
                    }

                    AuditRecord record;
                    try
                    {
                        record = AuditJson.Deserialize(line.Bytes.Span);
                    }
                    catch (JsonException)
                    {
                        return Fail(file, line.Number, NotARecord);
                    }

                    if (record.Hash is null || record.PrevHash is null || record.Hash != AuditJson.ComputeHash(record))
                    {
                        return Fail(file, line.Number, HashMismatch);
                    }

                    // A duplicated property or other re-spelling keeps the hash but may read differently elsewhere.
                    if (!AuditJson.Serialize(record).AsSpan().SequenceEqual(line.Bytes.Span))
                    {
                        return Fail(file, line.Number, NotCanonical);
                    }

                    if (previous is not null && record.PrevHash != previous)
                    {
                        return Fail(file, line.Number, PrevHashMismatch);
                    }

                    first ??= record.PrevHash;
                    previous = record.Hash;
                    records++;
                }
            }
        }

        return new AuditVerification(true, records, null, null, null, first, previous, ordered);

        AuditVerification Fail(string file, long? line, string reason) =>
            new(false, records, file, line, reason, first, previous, ordered);
    }
}
