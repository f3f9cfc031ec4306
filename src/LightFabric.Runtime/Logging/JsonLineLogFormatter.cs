using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace LightFabric.Runtime.Logging;

/// <summary>
/// One JSON object per line: <c>{"timestamp","level","target","fields":{"message",...}}</c>, the shape
/// collectors and the portal log viewer parse.
/// </summary>
public sealed class JsonLineLogFormatter : ConsoleFormatter
{
    public const string FormatterName = "light-json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public JsonLineLogFormatter() : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
            writer.WriteString("level", LogRecordFields.LevelName(logEntry.LogLevel));
            writer.WriteString("target", logEntry.Category);
            writer.WriteStartObject("fields");
            writer.WriteString("message", message);
            foreach (var (key, value) in LogRecordFields.Properties(logEntry.State))
            {
                WriteValue(writer, ToFieldName(key), value);
            }

            scopeProvider?.ForEachScope(static (scope, w) =>
            {
                foreach (var (key, value) in LogRecordFields.Properties(scope))
                {
                    WriteValue(w, ToFieldName(key), value);
                }
            }, writer);

            if (logEntry.Exception is { } ex)
            {
                writer.WriteString("error", ex.ToString());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case bool b: writer.WriteBoolean(key, b); break;
            case int i: writer.WriteNumber(key, i); break;
            case long l: writer.WriteNumber(key, l); break;
            case double d when double.IsFinite(d): writer.WriteNumber(key, d); break;
            default: writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Message-template names (<c>ElapsedMs</c>) become the seed's snake_case fields (<c>elapsed_ms</c>).</summary>
    internal static string ToFieldName(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
