using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Governance.Audit;

/// <summary>
/// The audit trail's JSONL files in one directory: records are appended to <c>audit.jsonl</c>; when the UTC date (by
/// the injected clock) is no longer the current file's day, the file is renamed <c>audit-YYYY-MM-DD.jsonl</c> (the day
/// it covers) and a new one is started. The hash chain runs on across the rename.
/// </summary>
/// <remarks>
/// A torn last line (the process died mid-write) is never part of the chain: <see cref="Open"/> moves its bytes to
/// <c>audit.jsonl.torn</c> in the same directory (appended, one per line, kept for inspection), truncates the file after
/// its last whole line and logs a warning, so a restart continues the chain from the last whole record. Until a writer
/// has started again, <see cref="AuditVerifier"/> reports the file's last line as "torn last line". Not thread-safe:
/// <see cref="AuditWriter"/> is its only user, from one loop.
/// </remarks>
public sealed class JsonlAuditFile : IDisposable
{
    public const string CurrentName = "audit.jsonl";

    public const string TornName = "audit.jsonl.torn";

    private const string RotatedPrefix = "audit-";
    private const string Extension = ".jsonl";

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private FileStream? _stream;
    private DateOnly _day;

    public JsonlAuditFile(string directory, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        CurrentPath = Path.Combine(Directory, CurrentName);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Directory { get; }

    /// <summary>The file being appended to, <c>&lt;dir&gt;/audit.jsonl</c>.</summary>
    public string CurrentPath { get; }

    public bool IsOpen => _stream is not null;

    /// <summary>The file <see cref="Open"/> found the newest record in, or null when it found none.</summary>
    public string? LastRecordFile { get; private set; }

    /// <summary>The name a current file covering <paramref name="day"/> gets when it is rotated (sequence 0), or its
    /// n-th namesake when that name is taken (only if the clock went back).</summary>
    public static string RotatedName(DateOnly day, int sequence = 0) =>
        sequence == 0
            ? $"{RotatedPrefix}{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}{Extension}"
            : $"{RotatedPrefix}{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.{sequence}{Extension}";

    /// <summary>
    /// Sorts audit files into chain order: rotated files by day (and sequence), then <c>audit.jsonl</c> last; a file
    /// with any other name goes before the current file, by name.
    /// </summary>
    public static IReadOnlyList<string> ChainOrder(IEnumerable<string> files) =>
        files.Select(file => (File: file, Key: OrderKey(Path.GetFileName(file))))
            .OrderBy(f => f.Key.Current)
            .ThenBy(f => f.Key.Day)
            .ThenBy(f => f.Key.Sequence)
            .ThenBy(f => Path.GetFileName(f.File), StringComparer.Ordinal)
            .ThenBy(f => f.File, StringComparer.Ordinal)
            .Select(f => f.File)
            .ToList();

    /// <summary>
    /// Creates the directory if needed, seals off a torn last line, opens <c>audit.jsonl</c> for appending and returns
    /// the newest whole record (of the current file, else of the newest rotated one), or null when there is none.
    /// </summary>
    public AuditRecord? Open()
    {
        Close();
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var last = File.Exists(CurrentPath) ? LastRecord(CurrentPath) : null;
            LastRecordFile = last is null ? null : CurrentPath;
            var today = Today();
            _day = last is null ? today : DateOnly.FromDateTime(last.Time.UtcDateTime);
            if (last is null)
            {
                var rotated = ChainOrder(System.IO.Directory.EnumerateFiles(Directory, RotatedPrefix + "*" + Extension)).LastOrDefault();
                last = rotated is null ? null : LastRecord(rotated);
                LastRecordFile = last is null ? null : rotated;
            }

            var stream = new FileStream(CurrentPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);
            stream.Seek(0, SeekOrigin.End);
            _stream = stream;
            return last;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Close();
            throw new AuditWriteException(CurrentPath, $"The audit file {CurrentPath} could not be opened: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Appends the lines (each without its newline), rotating first if the day changed; <paramref name="durable"/>
    /// fsyncs. On failure the file is cut back to where it was, closed, and an <see cref="AuditWriteException"/> thrown;
    /// call <see cref="Open"/> again to retry.
    /// </summary>
    public void Append(IReadOnlyList<ReadOnlyMemory<byte>> lines, bool durable)
    {
        var stream = _stream ?? throw new InvalidOperationException("The audit file is not open.");
        var start = stream.Length;
        try
        {
            var today = Today();
            if (today != _day)
            {
                if (start > 0)
                {
                    Rotate();
                    stream = _stream!;
                    start = 0;
                }

                _day = today;
            }

            foreach (var line in lines)
            {
                stream.Write(line.Span);
                stream.WriteByte((byte)'\n');
            }

            stream.Flush(durable);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Cut back so the retry does not leave half a batch (or a torn line) before its own copy.
            try
            {
                _stream?.SetLength(start);
                _stream?.Flush(true);
            }
            catch (Exception cut) when (cut is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // Open reads the file again and deals with whatever is left.
            }

            Close();
            throw new AuditWriteException(CurrentPath, $"The audit file {CurrentPath} could not be written: {ex.Message}", ex);
        }
    }

    public void Close()
    {
        var stream = _stream;
        _stream = null;
        try
        {
            stream?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Flushing on close failed: what was written before was already flushed, the rest is retried.
        }
    }

    public void Dispose() => Close();

    private void Rotate()
    {
        _stream!.Flush(true);
        Close();
        var sequence = 0;
        string target;
        while (File.Exists(target = Path.Combine(Directory, RotatedName(_day, sequence))))
        {
            sequence++;
        }

        File.Move(CurrentPath, target);
        var stream = new FileStream(CurrentPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);
        stream.Seek(0, SeekOrigin.End);
        _stream = stream;
        AuditLog.Rotated(_logger, target);
    }

    private DateOnly Today() => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    // The last whole record of a file, after moving a torn last line (no newline at the end) out of it.
    private AuditRecord? LastRecord(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = stream.Length;
        if (length == 0)
        {
            return null;
        }

        var end = LastNewline(stream, length);
        if (end != length - 1)
        {
            var torn = new byte[length - (end + 1)];
            stream.Position = end + 1;
            stream.ReadExactly(torn);
            using (var tornFile = new FileStream(Path.Combine(Directory, TornName), FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                tornFile.Write(torn);
                tornFile.WriteByte((byte)'\n');
                tornFile.Flush(true);
            }

            stream.SetLength(end + 1);
            stream.Flush(true);
            AuditLog.TornLine(_logger, path, torn.Length, Path.Combine(Directory, TornName));
            length = end + 1;
            if (length == 0)
            {
                return null;
            }
        }

        var start = LastNewline(stream, length - 1) + 1;
        var line = new byte[length - 1 - start];
        stream.Position = start;
        stream.ReadExactly(line);
        try
        {
            return AuditJson.Deserialize(line);
        }
        catch (JsonException ex)
        {
            throw new AuditWriteException(path,
                $"The last line of the audit file {path} is not an audit record, so the hash chain cannot continue from it: {ex.Message}", ex);
        }
    }

    // The position of the last '\n' before position `before`, or -1; reads backwards in chunks, since a line with
    // arguments may be long.
    private static long LastNewline(FileStream stream, long before)
    {
        var buffer = new byte[8192];
        var end = before;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, count);
            var at = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (at >= 0)
            {
                return start + at;
            }

            end = start;
        }

        return -1;
    }

    private static (bool Current, DateOnly Day, int Sequence) OrderKey(string name)
    {
        if (name == CurrentName)
        {
            return (true, DateOnly.MaxValue, 0);
        }

        if (name.StartsWith(RotatedPrefix, StringComparison.Ordinal) && name.EndsWith(Extension, StringComparison.Ordinal))
        {
            var stem = name[RotatedPrefix.Length..^Extension.Length];
            var dot = stem.IndexOf('.');
            var dayText = dot < 0 ? stem : stem[..dot];
            var sequence = 0;
            if (DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && (dot < 0 || int.TryParse(stem[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)))
            {
                return (false, day, sequence);
            }
        }

        // Unknown names: after every dated file, before the current one.
        return (false, DateOnly.MaxValue, 0);
    }
}
