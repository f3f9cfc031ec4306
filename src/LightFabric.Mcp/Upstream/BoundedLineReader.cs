namespace LightFabric.Mcp.Upstream;

/// <summary>One read of a <see cref="BoundedLineReader"/>: a line, an over-size line (its length and ends), or the end.</summary>
internal readonly record struct LineRead(ReadOnlyMemory<byte> Line, long OversizeLength, ReadOnlyMemory<byte> Head, ReadOnlyMemory<byte> Tail)
{
    public static LineRead End => new(default, -1, default, default);

    public bool IsEnd => OversizeLength < 0;

    public bool IsOversize => OversizeLength > 0;
}

/// <summary>
/// Reads newline-delimited messages from a stream without ever holding more than the limit of one: a longer line is
/// read on to its newline and thrown away, keeping only its first and last bytes (enough to find a JSON-RPC id), so
/// the next line is read as usual. A line stays valid until the next read.
/// </summary>
internal sealed class BoundedLineReader
{
    /// <summary>How much of an over-size line is kept at each end.</summary>
    public const int KeptEndBytes = 4096;

    private const int ChunkBytes = 64 * 1024;
    private const int InitialLineBytes = 16 * 1024;

    /// <summary>A buffer grown past this for one big line is given back afterwards, so it is not held for good.</summary>
    private const int RetainedLineBytes = 1024 * 1024;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private readonly byte[] _chunk = new byte[ChunkBytes];
    private readonly byte[] _head = new byte[KeptEndBytes];
    private readonly byte[] _tail = new byte[KeptEndBytes];
    private byte[] _line;
    private int _chunkStart;
    private int _chunkEnd;
    private int _lineLength;
    private long _oversizeLength;
    private int _headLength;
    private int _tailLength;

    public BoundedLineReader(Stream stream, int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _line = new byte[Math.Min(maxLineBytes, InitialLineBytes)];
        LargestLineBuffer = _line.Length;
    }

    public int MaxLineBytes => _maxLineBytes;

    /// <summary>The largest line buffer this reader has held; never more than <see cref="MaxLineBytes"/>.</summary>
    public int LargestLineBuffer { get; private set; }

    public async ValueTask<LineRead> ReadAsync(CancellationToken ct)
    {
        if (_line.Length > RetainedLineBytes)
        {
            _line = new byte[InitialLineBytes];
        }

        _lineLength = 0;
        _oversizeLength = 0;
        _headLength = 0;
        _tailLength = 0;
        while (true)
        {
            if (_chunkStart == _chunkEnd)
            {
                var read = await _stream.ReadAsync(_chunk, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    // The end of the stream also ends an unterminated last line.
                    return _lineLength > 0 || _oversizeLength > 0 ? Complete() : LineRead.End;
                }

                _chunkStart = 0;
                _chunkEnd = read;
            }

            var available = _chunk.AsSpan(_chunkStart, _chunkEnd - _chunkStart);
            var newline = available.IndexOf((byte)'\n');
            var part = newline < 0 ? available : available[..newline];
            Append(part);
            _chunkStart += newline < 0 ? part.Length : newline + 1;
            if (newline >= 0)
            {
                return Complete();
            }
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (_oversizeLength == 0 && _lineLength + part.Length <= _maxLineBytes)
        {
            if (_lineLength + part.Length > _line.Length)
            {
                var grown = new byte[Math.Min(_maxLineBytes, Math.Max(_line.Length * 2, _lineLength + part.Length))];
                _line.AsSpan(0, _lineLength).CopyTo(grown);
                _line = grown;
                LargestLineBuffer = Math.Max(LargestLineBuffer, grown.Length);
            }

            part.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += part.Length;
            return;
        }

        if (_oversizeLength == 0)
        {
            // Over the limit: from here on only the two ends are kept.
            var buffered = _line.AsSpan(0, _lineLength);
            _headLength = Math.Min(buffered.Length, KeptEndBytes);
            buffered[.._headLength].CopyTo(_head);
            KeepTail(buffered);
            _oversizeLength = _lineLength;
            _lineLength = 0;
        }

        if (_headLength < KeptEndBytes)
        {
            var more = Math.Min(KeptEndBytes - _headLength, part.Length);
            part[..more].CopyTo(_head.AsSpan(_headLength));
            _headLength += more;
        }

        _oversizeLength += part.Length;
        KeepTail(part);
    }

    private void KeepTail(ReadOnlySpan<byte> part)
    {
        if (part.Length >= KeptEndBytes)
        {
            part[^KeptEndBytes..].CopyTo(_tail);
            _tailLength = KeptEndBytes;
            return;
        }

        var keep = Math.Min(_tailLength, KeptEndBytes - part.Length);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        part.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + part.Length;
    }

    private LineRead Complete()
    {
        if (_oversizeLength > 0)
        {
            return new LineRead(default, _oversizeLength, _head.AsMemory(0, _headLength), TrimCarriageReturn(_tail.AsMemory(0, _tailLength)));
        }

        return new LineRead(TrimCarriageReturn(_line.AsMemory(0, _lineLength)), 0, default, default);
    }

    private static ReadOnlyMemory<byte> TrimCarriageReturn(ReadOnlyMemory<byte> line) =>
        line.Span is [.., (byte)'\r'] ? line[..^1] : line;
}
