using System.Buffers;
using System.IO.Pipelines;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// Writes a session's server→client messages as SSE until the client goes away, the session ends or the
/// gateway stops, with a comment line as keep-alive. The caller has opened the session's stream.
/// </summary>
public static class SessionEventStream
{
    /// <param name="preamble">Written first (the legacy transport's endpoint event), or null.</param>
    /// <param name="stopping">The host's stopping signal.</param>
    public static async Task RunAsync(HttpContext http, McpSession session, TimeSpan keepAliveInterval, byte[]? preamble, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Closed, stopping);
        try
        {
            var response = http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            SseFraming.Prepare(response);
            response.Headers[StreamableHttpEndpoint.ProtocolVersionHeader] = session.ProtocolVersion;
            await response.StartAsync(cts.Token).ConfigureAwait(false);
            if (preamble is not null)
            {
                response.BodyWriter.Write(preamble);
            }

            await response.BodyWriter.FlushAsync(cts.Token).ConfigureAwait(false);

            var reader = session.Outbound;
            while (!cts.IsCancellationRequested)
            {
                session.Touch();
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                wait.CancelAfter(keepAliveInterval);
                bool available;
                try
                {
                    available = await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                    SseFraming.WriteKeepAlive(response.BodyWriter);
                    await response.BodyWriter.FlushAsync(cts.Token).ConfigureAwait(false);
                    continue;
                }

                if (!available)
                {
                    break;
                }

                while (reader.TryRead(out var payload))
                {
                    SseFraming.WriteEvent(response.BodyWriter, payload);
                }

                await response.BodyWriter.FlushAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away, session ended or the gateway is stopping.
        }
        finally
        {
            session.CloseStream();
        }
    }
}
