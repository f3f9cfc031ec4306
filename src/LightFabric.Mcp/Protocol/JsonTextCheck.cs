using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace LightFabric.Mcp.Protocol;

/// <summary>What is wrong with a message's JSON text, and where (a JSON path such as <c>params.arguments.city</c>).</summary>
public sealed record JsonTextProblem(JsonTextProblemKind Kind, string Location, string Detail);

public enum JsonTextProblemKind
{
    /// <summary>Not JSON, or nested deeper than allowed.</summary>
    Syntax,

    /// <summary>Bytes that are not UTF-8.</summary>
    Encoding,

    /// <summary>A <c>\uD800</c>–<c>\uDFFF</c> escape without its pair: System.Text.Json parses it but cannot write it again.</summary>
    LoneSurrogate,

    /// <summary>An object naming the same member twice.</summary>
    DuplicateMember,
}

/// <summary>
/// Checks a message's raw JSON text for what System.Text.Json accepts when it parses but fails on later, when the
/// message is written to an upstream: escaped lone surrogates (accepted into JsonNode, thrown on when written).
/// One reader pass, cheap: only escaped strings are unescaped. <see cref="Locate"/> names where a problem is, for
/// the error message, and finds duplicate members too; it runs only for a message already known to be bad.
/// </summary>
public static class JsonTextCheck
{
    /// <summary>The first byte offset that is not UTF-8, or -1.</summary>
    public static int InvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
        {
            return -1;
        }

        for (var offset = 0; offset < body.Length;)
        {
            if (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>
    /// The first syntax error or lone surrogate in the text, or null when every string is well-formed. Paths are not
    /// tracked here (that is <see cref="Locate"/>'s job), so a problem's location is empty.
    /// </summary>
    public static JsonTextProblem? Scan(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        byte[]? rented = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && !Unescapes(ref reader, ref rented))
                {
                    return new JsonTextProblem(JsonTextProblemKind.LoneSurrogate, "", LoneSurrogateDetail);
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return new JsonTextProblem(JsonTextProblemKind.Syntax, "", ex.Message);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The first lone surrogate or duplicate member with its JSON path (<c>params.arguments.city</c>,
    /// <c>params.items[2]</c>; a member name's own problem is reported at the member). Null when there is none.
    /// </summary>
    public static JsonTextProblem? Locate(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        var frames = new List<Frame>();
        byte[]? rented = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        AdvanceArrayIndex(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartObject));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        // The path of a member name's problem is its object's.
                        var frame = frames[^1];
                        frame.Member = null;
                        if (reader.ValueIsEscaped && !Unescapes(ref reader, ref rented))
                        {
                            return new JsonTextProblem(JsonTextProblemKind.LoneSurrogate, Path(frames, "(a member name)"), LoneSurrogateDetail);
                        }

                        var name = reader.GetString()!;
                        if (!frame.Names!.Add(name))
                        {
                            return new JsonTextProblem(JsonTextProblemKind.DuplicateMember, Path(frames, null),
                                $"has the member \"{name}\" twice; each member may appear once");
                        }

                        frame.Member = name;
                        break;
                    default:
                        AdvanceArrayIndex(frames);
                        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && !Unescapes(ref reader, ref rented))
                        {
                            return new JsonTextProblem(JsonTextProblemKind.LoneSurrogate, Path(frames, null), LoneSurrogateDetail);
                        }

                        break;
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return new JsonTextProblem(JsonTextProblemKind.Syntax, "", ex.Message);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private const string LoneSurrogateDetail =
        "contains a \\uD800-\\uDFFF escape without its pair (a lone surrogate), which is not a Unicode character; " +
        "escape characters outside the BMP as a high+low surrogate pair or send them as UTF-8";

    /// <summary>Whether the current escaped string unescapes (a lone surrogate is the only way it fails once the reader accepted it).</summary>
    private static bool Unescapes(ref Utf8JsonReader reader, ref byte[]? rented)
    {
        // Unescaped UTF-8 is never longer than its escaped form.
        var length = reader.ValueSpan.Length;
        var buffer = length <= 256 ? stackalloc byte[256] : Rent(ref rented, length);
        try
        {
            reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static Span<byte> Rent(ref byte[]? rented, int length)
    {
        if (rented is null || rented.Length < length)
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            rented = ArrayPool<byte>.Shared.Rent(length);
        }

        return rented;
    }

    private static void AdvanceArrayIndex(List<Frame> frames)
    {
        if (frames.Count > 0 && !frames[^1].IsObject)
        {
            frames[^1].Index++;
        }
    }

    private static string Path(List<Frame> frames, string? suffix)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsObject)
            {
                if (frame.Member is null)
                {
                    continue;
                }

                var plain = frame.Member.Length > 0 && frame.Member.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
                path.Append(plain ? (path.Length == 0 ? frame.Member : "." + frame.Member) : $"[{JsonSerializer.Serialize(frame.Member)}]");
            }
            else
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
        }

        if (suffix is not null)
        {
            path.Append(path.Length == 0 ? suffix : " " + suffix);
        }

        return path.ToString();
    }

    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;

        public HashSet<string>? Names { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;

        public string? Member { get; set; }

        public int Index { get; set; } = -1;
    }
}
