namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>
/// Takes the place of the response body while a response filter waits for the whole answer. Writes beyond the cap
/// are discarded and remembered, so the filter refuses the answer instead of passing part of it (or all of it)
/// unfiltered; flushes do nothing, so nothing reaches the client before the filter has run.
/// </summary>
internal sealed class ResponseBuffer(long maxBytes) : Stream
{
    private readonly MemoryStream _data = new();

    public bool Overflowed { get; private set; }

    public ReadOnlyMemory<byte> Data => _data.GetBuffer().AsMemory(0, (int)_data.Length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _data.Length;

    public override long Position
    {
        get => _data.Length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Overflowed || _data.Length + buffer.Length > maxBytes)
        {
            Overflowed = true;
            return;
        }

        _data.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _data.Dispose();
        }

        base.Dispose(disposing);
    }
}
