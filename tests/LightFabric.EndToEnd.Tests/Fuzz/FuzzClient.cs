using System.Net.Sockets;
using System.Text;

namespace LightFabric.EndToEnd.Tests.Fuzz;

/// <summary>Sends <see cref="FuzzRequest"/>s and reports the HTTP status the gateway answered (0: no answer, connection closed).</summary>
internal sealed class FuzzClient(Uri baseAddress) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    // Streams (GET /mcp, GET /mcp/sse) stay open by design; reading their headers is enough.
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public async Task<int> SendAsync(FuzzRequest request)
    {
        try
        {
            return request.Raw is not null ? await SendRawAsync(request.Raw, request.HalfClose) : await SendHttpAsync(request);
        }
        catch (HttpRequestException)
        {
            // The gateway closed the connection without an answer (as Kestrel does for some framing errors).
            return 0;
        }
    }

    private async Task<int> SendHttpAsync(FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Target);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            await response.Content.ReadAsByteArrayAsync(timeout.Token);
        }

        return (int)response.StatusCode;
    }

    /// <summary>Writes the bytes (then half-closes, if asked) and reads the status line of the first answer, if any.</summary>
    private async Task<int> SendRawAsync(byte[] raw, bool halfClose)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        await socket.SendAsync(raw, SocketFlags.None, timeout.Token);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        var buffer = new byte[4096];
        var received = new MemoryStream();
        try
        {
            while (received.Length < 12)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // Reset by the server: no answer.
        }

        var head = Encoding.ASCII.GetString(received.ToArray());
        return head.StartsWith("HTTP/1.", StringComparison.Ordinal) && head.Length >= 12 && int.TryParse(head.AsSpan(9, 3), out var status) ? status : 0;
    }

    public void Dispose() => _http.Dispose();
}
