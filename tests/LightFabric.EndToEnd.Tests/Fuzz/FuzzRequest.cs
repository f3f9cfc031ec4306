using System.Text;

namespace LightFabric.EndToEnd.Tests.Fuzz;

/// <summary>
/// One malformed request: either an HTTP request a well-behaved client library can send (method, target, headers,
/// body) or raw bytes written to a socket for what such a library refuses to send (broken framing, bad header
/// syntax).
/// </summary>
internal sealed record FuzzRequest(string Description, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, byte[]? Raw = null, bool HalfClose = false)
{
    /// <summary>Raw bytes on a socket; <paramref name="halfClose"/> ends the sending side after them, as a client that goes away mid-request.</summary>
    public static FuzzRequest RawBytes(string description, string raw, bool halfClose = false) => new(description, "RAW", "", [], null, Encoding.Latin1.GetBytes(raw), halfClose);

    public override string ToString()
    {
        var body = Raw ?? Body ?? [];
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        return $"{Description}: {Method} {Target} [{string.Join(", ", Headers.Select(h => h.Key + ": " + h.Value))}] {text}";
    }
}
