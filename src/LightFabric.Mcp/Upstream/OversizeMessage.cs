using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol.Protocol;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// A message an upstream sent that was larger than the limit and was dropped while it was read. What it was is told
/// from its first and last bytes only: the id and whether it has a <c>method</c> (a request or notification of the
/// server's own rather than an answer).
/// </summary>
/// <param name="Id">The message's id, when one of its ends shows it.</param>
/// <param name="IsObject">It starts like a JSON object; anything else is not a JSON-RPC message at all.</param>
public sealed partial record OversizeMessage(long Length, int Limit, RequestId? Id, bool HasMethod, bool IsObject)
{
    public static OversizeMessage From(long length, int limit, ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        var (id, hasMethod) = ScanHead(head);
        var isObject = head.TrimStart(" \t\r\n"u8) is [(byte)'{', ..];
        return new OversizeMessage(length, limit, isObject ? id ?? IdAtEnd(tail) : null, hasMethod, isObject);
    }

    /// <summary>The top-level members before the first big value: serializers that write <c>id</c> first.</summary>
    private static (RequestId? Id, bool HasMethod) ScanHead(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, default);
        RequestId? id = null;
        var hasMethod = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, false);
            }

            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    break;
                }

                var isId = reader.ValueTextEquals("id"u8);
                hasMethod |= reader.ValueTextEquals("method"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (isId)
                {
                    id = reader.TokenType switch
                    {
                        JsonTokenType.Number when reader.TryGetInt64(out var number) => new RequestId(number),
                        JsonTokenType.String => new RequestId(reader.GetString()!),
                        _ => null,
                    };
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: nothing more can be told.
        }

        return (id, hasMethod);
    }

    /// <summary>
    /// Serializers that write <c>id</c> last (the TypeScript SDK: <c>{"result":…,"jsonrpc":"2.0","id":5}</c>). The
    /// closing brace at the very end closes the top-level object, so an id right before it is the message's own.
    /// </summary>
    private static RequestId? IdAtEnd(ReadOnlySpan<byte> tail)
    {
        var match = IdAtEndPattern().Match(Encoding.UTF8.GetString(tail));
        if (!match.Success)
        {
            return null;
        }

        return match.Groups["number"].Success
            ? long.TryParse(match.Groups["number"].Value, out var number) ? new RequestId(number) : null
            : new RequestId(Regex.Unescape(match.Groups["text"].Value));
    }

    [GeneratedRegex("""\"id\"\s*:\s*(?:(?<number>-?\d+)|\"(?<text>(?:[^\"\\]|\\.)*)\")\s*(?:,\s*\"jsonrpc\"\s*:\s*\"2\.0\"\s*)?\}\s*\z""")]
    private static partial Regex IdAtEndPattern();
}
