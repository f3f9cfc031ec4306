using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LightFabric.Config;

/// <summary>
/// Lets list properties (T[], List&lt;T&gt;, IReadOnlyList&lt;T&gt;, IList&lt;T&gt;, IEnumerable&lt;T&gt;, ...) accept a YAML list,
/// a JSON-array string or a comma-separated string, and map properties (Dictionary, IDictionary,
/// IReadOnlyDictionary with string keys) accept a YAML map or a JSON-object string — the forms
/// config-server and environment variables deliver. Null reads as an empty collection.
/// </summary>
internal sealed class FlexibleCollectionConverterFactory : JsonConverterFactory
{
    private static readonly HashSet<Type> ListShapes =
    [
        typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(ICollection<>),
        typeof(IReadOnlyCollection<>), typeof(IEnumerable<>),
    ];

    private static readonly HashSet<Type> MapShapes =
        [typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    public override bool CanConvert(Type typeToConvert)
    {
        if (typeToConvert.IsArray)
        {
            return typeToConvert.GetArrayRank() == 1 && typeToConvert != typeof(byte[]);
        }

        if (!typeToConvert.IsGenericType)
        {
            return false;
        }

        var definition = typeToConvert.GetGenericTypeDefinition();
        return ListShapes.Contains(definition)
               || MapShapes.Contains(definition) && typeToConvert.GetGenericArguments()[0] == typeof(string);
    }

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        if (typeToConvert.IsArray)
        {
            return (JsonConverter)Activator.CreateInstance(
                typeof(FlexibleArrayConverter<>).MakeGenericType(typeToConvert.GetElementType()!))!;
        }

        var definition = typeToConvert.GetGenericTypeDefinition();
        var arguments = typeToConvert.GetGenericArguments();
        var converterType = ListShapes.Contains(definition)
            ? typeof(FlexibleListConverter<,>).MakeGenericType(typeToConvert, arguments[0])
            : typeof(FlexibleMapConverter<,>).MakeGenericType(typeToConvert, arguments[1]);
        return (JsonConverter)Activator.CreateInstance(converterType)!;
    }
}

/// <summary>Reads the three list forms into a <see cref="List{T}"/>.</summary>
internal static class FlexibleListReader
{
    public static List<T> Read<T>(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return [];
            case JsonTokenType.StartArray:
            {
                var list = new List<T>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    try
                    {
                        list.Add(JsonSerializer.Deserialize<T>(ref reader, options)!);
                    }
                    catch (JsonException ex)
                    {
                        throw NestedBindingException.Wrap(ex, $"[{list.Count}]");
                    }
                }

                return list;
            }
            case JsonTokenType.String:
            {
                var node = ConfigBinder.ListNode(reader.GetString()!);
                if (node is not JsonArray)
                {
                    throw new JsonException("expected a list: a YAML list, a JSON array string or a comma-separated string");
                }

                try
                {
                    return node.Deserialize<List<T>>(options) ?? [];
                }
                catch (JsonException ex)
                {
                    throw NestedBindingException.Wrap(ex, "");
                }
            }
            case JsonTokenType.StartObject:
                throw new JsonException("expected a list: a YAML list, a JSON array string or a comma-separated string");
            default:
                // A single scalar is a one-element list ("audience: api" for "audience: [api]").
                try
                {
                    return [JsonSerializer.Deserialize<T>(ref reader, options)!];
                }
                catch (JsonException ex)
                {
                    throw NestedBindingException.Wrap(ex, "");
                }
        }
    }
}

internal sealed class FlexibleListConverter<TCollection, T> : JsonConverter<TCollection>
    where TCollection : IEnumerable<T>
{
    public override bool HandleNull => true;

    public override TCollection Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (TCollection)(object)FlexibleListReader.Read<T>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, TCollection value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            JsonSerializer.Serialize(writer, item, options);
        }

        writer.WriteEndArray();
    }
}

internal sealed class FlexibleArrayConverter<T> : JsonConverter<T[]>
{
    public override bool HandleNull => true;

    public override T[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FlexibleListReader.Read<T>(ref reader, options).ToArray();

    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            JsonSerializer.Serialize(writer, item, options);
        }

        writer.WriteEndArray();
    }
}

internal sealed class FlexibleMapConverter<TMap, TValue> : JsonConverter<TMap>
    where TMap : IEnumerable<KeyValuePair<string, TValue>>
{
    public override bool HandleNull => true;

    public override TMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var map = new Dictionary<string, TValue>(StringComparer.Ordinal);
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                break;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    try
                    {
                        map[key] = JsonSerializer.Deserialize<TValue>(ref reader, options)!;
                    }
                    catch (JsonException ex)
                    {
                        throw NestedBindingException.Wrap(ex, "." + key);
                    }
                }

                break;
            case JsonTokenType.String:
            {
                var text = reader.GetString()!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    break;
                }

                var node = ConfigBinder.Structured(JsonValue.Create(text));
                if (node is not JsonObject)
                {
                    throw new JsonException("expected a map: a YAML map or a JSON object string");
                }

                try
                {
                    map = node.Deserialize<Dictionary<string, TValue>>(options) ?? map;
                }
                catch (JsonException ex)
                {
                    throw NestedBindingException.Wrap(ex, "");
                }
                break;
            }
            default:
                throw new JsonException("expected a map: a YAML map or a JSON object string");
        }

        return (TMap)(object)map;
    }

    public override void Write(Utf8JsonWriter writer, TMap value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in value)
        {
            writer.WritePropertyName(key);
            JsonSerializer.Serialize(writer, item, options);
        }

        writer.WriteEndObject();
    }
}
