namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// The client's request body as the upstream request reads it: streamed, never buffered. It records whether any
/// of it was consumed, because only an untouched body can be sent again to the next host, and it leaves the
/// underlying stream open when an attempt's request message is disposed.
/// </summary>
internal sealed class ProxyRequestBody(Stream inner) : Stream
{
    private volatile bool _touched;

    /// <summary>True once an attempt started reading; the body can no longer be replayed.</summary>
    public bool Touched => _touched;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        _touched = true;
        return inner.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        _touched = true;
        return inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _touched = true;
        return inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        _touched = true;
        return inner.CopyToAsync(destination, bufferSize, cancellationToken);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // The client's body belongs to the server, not to one attempt's HttpRequestMessage.
    protected override void Dispose(bool disposing)
    {
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
