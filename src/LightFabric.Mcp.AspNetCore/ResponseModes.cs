using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace LightFabric.Mcp.AspNetCore;

public enum ResponseMode
{
    None,
    Json,
    EventStream,
}

/// <summary>Chooses how to answer from the Accept header.</summary>
public static class ResponseModes
{
    /// <summary>Whether the client can take an event stream as the answer to a POST.</summary>
    public static bool AcceptsEventStream(StringValues accept) =>
        !StringValues.IsNullOrEmpty(accept) && Choose(accept, preferStream: true) == ResponseMode.EventStream;

    /// <summary>
    /// JSON when the client accepts it (a missing Accept counts as JSON), else an SSE event; None when
    /// neither is acceptable. With <paramref name="preferStream"/> (GET) only an event stream is useful.
    /// </summary>
    public static ResponseMode Choose(StringValues accept, bool preferStream = false)
    {
        if (StringValues.IsNullOrEmpty(accept))
        {
            return preferStream ? ResponseMode.None : ResponseMode.Json;
        }

        // The common headers of MCP clients, decided without parsing.
        if (accept.Count == 1 && !accept[0]!.Contains(';'))
        {
            var text = accept[0]!;
            var hasJson = text.Contains("application/json", StringComparison.OrdinalIgnoreCase) || text.Contains("*/*", StringComparison.Ordinal);
            var hasStream = text.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) || text.Contains("*/*", StringComparison.Ordinal);
            if (hasJson || hasStream)
            {
                return preferStream
                    ? hasStream ? ResponseMode.EventStream : ResponseMode.None
                    : hasJson ? ResponseMode.Json : ResponseMode.EventStream;
            }
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return ResponseMode.None;
        }

        bool json = false, stream = false;
        foreach (var type in types)
        {
            if (type.Quality == 0)
            {
                continue;
            }

            var media = type.MediaType;
            if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Equals("application/*", StringComparison.OrdinalIgnoreCase))
            {
                json = true;
            }
            else if (media.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase) || media.Equals("text/*", StringComparison.OrdinalIgnoreCase))
            {
                stream = true;
            }
            else if (media.Equals("*/*", StringComparison.Ordinal))
            {
                json = stream = true;
            }
        }

        if (preferStream)
        {
            return stream ? ResponseMode.EventStream : ResponseMode.None;
        }

        return json ? ResponseMode.Json : stream ? ResponseMode.EventStream : ResponseMode.None;
    }
}
