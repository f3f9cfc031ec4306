using System.Collections;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>The headers of an ASP.NET Core request as the MCP application reads them: a view, not a copy.</summary>
public sealed class RequestHeaders(IHeaderDictionary headers) : IRequestHeaders
{
    public StringValues this[string name] => headers[name];

    /// <summary>A copy, for a request answered after its HTTP context is recycled.</summary>
    public static RequestHeaders CopyOf(IHeaderDictionary headers)
    {
        var copy = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            copy[name] = value;
        }

        return new RequestHeaders(copy);
    }

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
