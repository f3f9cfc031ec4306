using System.Buffers;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// Messages related to one request (progress, log messages) sent while it runs. When the client accepts an event
/// stream, the first such message turns the POST's answer into SSE and the final response follows as the last
/// event; a request with nothing to relay is still answered as plain JSON. A client that accepts only JSON gets
/// them on its session's GET stream instead.
/// </summary>
public sealed class RequestEventStream(HttpContext http, bool acceptsEventStream, McpSession session) : IRelatedMessages
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _closed;

    /// <summary>True once the answer became an event stream.</summary>
    public bool Started { get; private set; }

    public async ValueTask SendAsync(byte[] message)
    {
        if (!acceptsEventStream)
        {
            session.Send(message);
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closed || http.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            var response = http.Response;
            if (!Started)
            {
                if (response.HasStarted)
                {
                    return;
                }

                Started = true;
                response.StatusCode = StatusCodes.Status200OK;
                SseFraming.Prepare(response);
            }

            SseFraming.WriteEvent(response.BodyWriter, message);
            await response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An SSE comment on an open event stream, so proxies keep a quiet long-lived answer open.</summary>
    public async ValueTask KeepAliveAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Started && !_closed && !http.RequestAborted.IsCancellationRequested)
            {
                SseFraming.WriteKeepAlive(http.Response.BodyWriter);
                await http.Response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the final response as the last event; nothing is sent after it.</summary>
    public async ValueTask CompleteAsync(ReadOnlyMemory<byte> finalMessage)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _closed = true;
            SseFraming.WriteEvent(http.Response.BodyWriter, finalMessage.Span);
            await http.Response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>No more related messages (the request ended without an event stream).</summary>
    public async ValueTask CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        _closed = true;
        _gate.Release();
    }
}
