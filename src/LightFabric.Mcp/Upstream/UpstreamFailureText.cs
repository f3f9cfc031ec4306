using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace LightFabric.Mcp.Upstream;

/// <summary>Why an upstream connection failed, in one line an operator can act on.</summary>
internal static class UpstreamFailureText
{
    /// <summary>Turns transport exceptions into one line an operator can act on.</summary>
    public static string Describe(Exception ex)
    {
        if (ex is ClientTransportClosedException closed)
        {
            switch (closed.Details)
            {
                case StdioClientCompletionDetails stdio:
                    var text = stdio.ExitCode is int code ? $"the process exited with code {code}" : "the process closed its output";
                    if (stdio.StandardErrorTail is { Count: > 0 } tail)
                    {
                        text += $" (last stderr line: {tail[^1]})";
                    }

                    return text;
                case HttpClientCompletionDetails { HttpStatusCode: { } status }:
                    return $"the server answered HTTP {(int)status}";
            }

            return closed.Details.Exception is { } cause ? Describe(cause) : "the upstream closed the connection";
        }

        if (ex is McpProtocolException protocol)
        {
            return $"the server rejected it ({(int)protocol.ErrorCode}: {protocol.Message})";
        }

        var message = ex.Message;
        if (ex is IOException or HttpRequestException && ex.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal))
        {
            message += ": " + inner.Message;
        }

        return message;
    }
}
