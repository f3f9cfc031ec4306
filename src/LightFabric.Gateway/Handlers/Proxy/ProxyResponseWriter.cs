using System.Buffers;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>How copying the upstream's body ended.</summary>
internal enum BodyCopyOutcome
{
    Completed,
    ClientGone,
    UpstreamFailed,
}

/// <summary>
/// Writes the upstream's response to the client: status and end-to-end headers, then the body as it arrives.
/// Everything goes through <see cref="HttpContext.Response"/>, so a handler that replaced the body stream sees it.
/// </summary>
internal static class ProxyResponseWriter
{
    private const int BufferSize = 64 * 1024;

    public static void WriteHead(HttpResponseMessage upstream, HttpResponse response)
    {
        response.StatusCode = (int)upstream.StatusCode;
        var hopByHop = upstream.Headers.NonValidated.TryGetValues("Connection", out var connection)
            ? HopByHopHeaders.For(connection)
            : HopByHopHeaders.For(default(Microsoft.Extensions.Primitives.StringValues));
        Copy(upstream.Headers.NonValidated, response.Headers, hopByHop);
        Copy(upstream.Content.Headers.NonValidated, response.Headers, hopByHop);
    }

    /// <summary>
    /// Streams the body, flushing after every read so slow streams (server-sent events, progress output) reach the
    /// client as they are produced.
    /// </summary>
    public static async Task<(BodyCopyOutcome Outcome, Exception? Error)> CopyBodyAsync(
        HttpResponseMessage upstream, HttpContext http, CancellationToken cancellationToken)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var output = http.Response.Body;
            Stream source;
            try
            {
                // Headers go out now, not with the first body bytes, which may be a long time coming.
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                source = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (http.RequestAborted.IsCancellationRequested)
            {
                return (BodyCopyOutcome.ClientGone, ex);
            }

            await using (source.ConfigureAwait(false))
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        return (http.RequestAborted.IsCancellationRequested ? BodyCopyOutcome.ClientGone : BodyCopyOutcome.UpstreamFailed, ex);
                    }

                    if (read == 0)
                    {
                        return (BodyCopyOutcome.Completed, null);
                    }

                    try
                    {
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException || http.RequestAborted.IsCancellationRequested)
                    {
                        return (BodyCopyOutcome.ClientGone, ex);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Copy(HttpHeadersNonValidated source, IHeaderDictionary target, HopByHopHeaders hopByHop)
    {
        foreach (var (name, values) in source)
        {
            if (hopByHop.Contains(name))
            {
                continue;
            }

            target[name] = values.Count == 1 ? values.ToString() : values.ToArray();
        }
    }
}
