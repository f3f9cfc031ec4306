using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.JsonSchema;

namespace LightFabric.JsonSchema.Tests;

/// <summary>Error reports, references, compile-time problems and the bounds that keep hostile input cheap.</summary>
public sealed class JsonSchemaBehaviourTests
{
    private static JsonSchema Compile(string schema, JsonSchemaOptions? options = null) => JsonSchema.Compile(JsonNode.Parse(schema), options);

    [Fact]
    public void Errors_carry_instance_pointer_keyword_and_message()
    {
        var schema = Compile("""
            {"type":"object","required":["id"],"additionalProperties":false,
             "properties":{"id":{"type":"integer"},"tags":{"type":"array","items":{"type":"string","maxLength":3}},
                           "a/b~c":{"type":"boolean"}}}
            """);
        var result = schema.Validate(JsonNode.Parse("""{"tags":["ok",7,"long"],"a/b~c":1,"extra":true}"""));

        Assert.False(result.IsValid);
        Assert.Contains(new SchemaError("", "required", "missing required property 'id'"), result.Errors);
        Assert.Contains(result.Errors, e => e is { InstancePath: "/tags/1", Keyword: "type" } && e.Message.Contains("must be string", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e is { InstancePath: "/tags/2", Keyword: "maxLength" });
        Assert.Contains(result.Errors, e => e is { InstancePath: "/a~1b~0c", Keyword: "type" });
        Assert.Contains(new SchemaError("/extra", "additionalProperties", "property 'extra' is not allowed"), result.Errors);
        Assert.Equal("/tags/1: must be string, not integer (type)", result.Errors.Single(e => e.InstancePath == "/tags/1").ToString());
    }

    [Fact]
    public void At_most_the_requested_number_of_errors_is_reported()
    {
        var schema = Compile("""{"items":{"type":"string"}}""");
        var many = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode)JsonValue.Create(i)).ToArray());
        Assert.Equal(10, schema.Validate(many).Errors.Count);
        Assert.Equal(3, schema.Validate(many, maxErrors: 3).Errors.Count);
        Assert.Equal("/0", schema.Validate(many).Errors[0].InstancePath);
    }

    [Fact]
    public void The_mcp_conformance_2020_12_tool_schema_works()
    {
        // JSON_SCHEMA_2020_12_INPUT of tests/conformance/fixture-server.mjs (json_schema_2020_12_tool).
        var schema = Compile("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
             "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},
             "additionalProperties":false}
            """);
        Assert.True(schema.IsValid(JsonNode.Parse("""{"name":"Ada","address":{"street":"1 Main St","city":"Springfield"}}""")));
        Assert.True(schema.IsValid(JsonNode.Parse("{}")));

        var wrong = schema.Validate(JsonNode.Parse("""{"name":1,"address":{"city":false},"zip":"x"}"""));
        Assert.Equal(["/name", "/address/city", "/zip"], wrong.Errors.Select(e => e.InstancePath).ToArray());
    }

    [Fact]
    public void Recursive_references_validate_recursive_values()
    {
        var schema = Compile("""
            {"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value"]}},
             "$ref":"#/$defs/node"}
            """);
        Assert.True(schema.IsValid(JsonNode.Parse("""{"value":1,"children":[{"value":2,"children":[{"value":3}]}]}""")));
        var result = schema.Validate(JsonNode.Parse("""{"value":1,"children":[{"value":2,"children":[{"value":"x"}]}]}"""));
        Assert.Equal("/children/0/children/0/value", Assert.Single(result.Errors).InstancePath);
    }

    [Theory]
    [InlineData("""{"$ref":"#"}""")]
    [InlineData("""{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""")]
    [InlineData("""{"anyOf":[{"$ref":"#"}],"not":{"$ref":"#"}}""")]
    [InlineData("""{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/a"},{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""")]
    public void Reference_cycles_that_consume_nothing_end_quickly_and_fail_closed(string schemaText)
    {
        var schema = Compile(schemaText);
        var watch = Stopwatch.StartNew();
        var result = schema.Validate(JsonNode.Parse("""{"a":1}"""));
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Keyword is "$ref" or "maxSteps");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""", "external reference")]
    [InlineData("""{"properties":{"a":{"$ref":"other.json#/x"}}}""", "#/properties/a/$ref: 'other.json#/x' is an external reference")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "points at nothing")]
    [InlineData("""{"$ref":"#nowhere"}""", "names no $anchor")]
    [InlineData("""{"type":"text"}""", "#/type: 'text' is not a JSON Schema type")]
    [InlineData("""{"required":"a"}""", "#/required: must be an array of strings")]
    [InlineData("""{"minLength":-1}""", "#/minLength: must be a non-negative integer")]
    [InlineData("""{"minLength":1.5}""", "must be a non-negative integer")]
    [InlineData("""{"multipleOf":0}""", "must be greater than 0")]
    [InlineData("""{"pattern":"(unclosed"}""", "#/pattern: '(unclosed' is not a valid regular expression")]
    [InlineData("""{"patternProperties":{"[":{}}}""", "not a valid regular expression")]
    [InlineData("""{"properties":{"a":3}}""", "#/properties/a: a schema must be an object or a boolean")]
    [InlineData("""{"anyOf":[]}""", "#/anyOf: must be a non-empty array of schemas")]
    [InlineData("""{"enum":"a"}""", "#/enum: must be an array")]
    [InlineData("\"string\"", "a schema must be an object or a boolean")]
    public void Malformed_schemas_do_not_compile_and_say_where(string schema, string message)
    {
        var ex = Assert.Throws<JsonSchemaException>(() => Compile(schema));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.False(JsonSchema.TryCompile(JsonNode.Parse(schema), out var compiled, out var problem));
        Assert.Null(compiled);
        Assert.Equal(ex.Message, problem);
    }

    [Fact]
    public void Compile_bounds_are_enforced()
    {
        var big = new JsonObject { ["description"] = new string('x', 2_000) };
        Assert.Contains("bytes", Assert.Throws<JsonSchemaException>(() => JsonSchema.Compile(big, new JsonSchemaOptions { MaxSchemaBytes = 1_000 })).Message, StringComparison.Ordinal);

        JsonNode deep = new JsonObject { ["type"] = "string" };
        for (var i = 0; i < 70; i++)
        {
            deep = new JsonObject { ["items"] = deep };
        }

        Assert.Contains("deeper", Assert.Throws<JsonSchemaException>(() => JsonSchema.Compile(deep)).Message, StringComparison.Ordinal);

        var wide = new JsonObject { ["properties"] = new JsonObject(Enumerable.Range(0, 5_000).Select(i => KeyValuePair.Create($"p{i}", (JsonNode?)new JsonObject()))) };
        Assert.Contains("more than 4096 subschemas", Assert.Throws<JsonSchemaException>(() => JsonSchema.Compile(wide)).Message, StringComparison.Ordinal);

        JsonNode deepConst = JsonValue.Create(1);
        for (var i = 0; i < 1_000; i++)
        {
            deepConst = new JsonArray(deepConst);
        }

        Assert.Throws<JsonSchemaException>(() => JsonSchema.Compile(new JsonObject { ["const"] = deepConst }));
    }

    [Fact]
    public void Deep_instances_are_refused_without_being_walked()
    {
        JsonNode deep = JsonValue.Create(1);
        for (var i = 0; i < 10_000; i++)
        {
            deep = new JsonArray(deep);
        }

        var result = Compile("""{"items":{"$ref":"#"}}""").Validate(deep);
        Assert.Equal("maxInstanceDepth", Assert.Single(result.Errors).Keyword);
    }

    [Fact]
    public void The_step_budget_stops_costly_validations()
    {
        // Each level of nesting tries both branches of anyOf, so the work doubles per level of the value.
        var schema = Compile("""{"anyOf":[{"items":{"$ref":"#"},"contains":{"type":"string"}},{"items":{"$ref":"#"}}]}""");
        JsonNode value = JsonValue.Create(1);
        for (var i = 0; i < 40; i++)
        {
            value = new JsonArray(value);
        }

        var watch = Stopwatch.StartNew();
        var result = schema.Validate(value);
        Assert.False(result.IsValid);
        Assert.Equal("maxSteps", result.Errors[^1].Keyword);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");

        var many = new JsonArray(Enumerable.Range(0, 100_000).Select(i => (JsonNode)JsonValue.Create(i)).ToArray());
        var unique = Compile("""{"uniqueItems":true}""", new JsonSchemaOptions { MaxSteps = 50_000 }).Validate(many);
        Assert.Equal("maxSteps", Assert.Single(unique.Errors).Keyword);
        Assert.True(Compile("""{"uniqueItems":true}""").IsValid(many));
    }

    [Fact]
    public void Backtracking_patterns_are_limited_by_the_match_timeout()
    {
        // A backreference forces the backtracking engine; the timeout ends the catastrophic case.
        var schema = Compile("""{"pattern":"^(\\w+)(a+)+\\1$"}""", new JsonSchemaOptions { RegexTimeout = TimeSpan.FromMilliseconds(50) });
        var watch = Stopwatch.StartNew();
        var result = schema.Validate(JsonValue.Create(new string('a', 5_000) + "!"));
        Assert.False(result.IsValid);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");

        // Without backreferences the linear engine is used and a classic ReDoS pattern stays fast.
        var linear = Compile("""{"pattern":"^(a+)+$"}""");
        Assert.False(linear.IsValid(JsonValue.Create(new string('a', 50_000) + "!")));
    }

    [Fact]
    public void Compiled_schemas_are_shared_safely_between_threads()
    {
        var schema = Compile("""{"type":"object","properties":{"n":{"type":"integer","minimum":0}},"required":["n"]}""");
        Parallel.For(0, 2_000, i =>
        {
            var result = schema.Validate(new JsonObject { ["n"] = i % 2 == 0 ? i : -i });
            Assert.Equal(i % 2 == 0 || i == 0 ? 0 : 1, result.Errors.Count);
        });
    }

    [Fact]
    public void Random_schemas_and_values_never_crash()
    {
        var random = new Random(20_201_212);
        var keywords = new[]
        {
            "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
            "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "items", "prefixItems", "contains",
            "minContains", "maxContains", "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format", "allOf", "anyOf", "oneOf", "not",
            "if", "then", "else", "$ref", "$defs", "definitions", "x-mask", "unevaluatedProperties", "unevaluatedItems",
        };
        var compiled = 0;
        for (var round = 0; round < 3_000; round++)
        {
            var schema = RandomSchema(random, keywords, 3);
            if (!JsonSchema.TryCompile(schema, out var validator, out var problem, new JsonSchemaOptions { AssertFormat = round % 2 == 0, MaxSteps = 20_000 }))
            {
                Assert.False(string.IsNullOrEmpty(problem));
                continue;
            }

            compiled++;
            for (var i = 0; i < 5; i++)
            {
                var result = validator!.Validate(RandomValue(random, 4));
                Assert.Equal(result.IsValid, result.Errors.Count == 0);
                Assert.All(result.Errors, e => Assert.True(e.InstancePath.Length == 0 || e.InstancePath[0] == '/'));
            }
        }

        Assert.True(compiled > 300, $"only {compiled} random schemas compiled");
    }

    private static JsonNode? RandomSchema(Random random, string[] keywords, int depth)
    {
        if (depth == 0 || random.Next(6) == 0)
        {
            return random.Next(3) switch
            {
                0 => JsonValue.Create(random.Next(2) == 0),
                1 => new JsonObject { ["type"] = new[] { "string", "integer", "number", "object", "array", "null", "boolean" }[random.Next(7)] },
                _ => new JsonObject(),
            };
        }

        var schema = new JsonObject();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var keyword = keywords[random.Next(keywords.Length)];
            schema[keyword] = keyword switch
            {
                "type" => new[] { "string", "integer", "number", "object", "array", "null", "boolean" }[random.Next(7)],
                "enum" => new JsonArray(RandomValue(random, 1), RandomValue(random, 1)),
                "const" => RandomValue(random, 2),
                "properties" or "patternProperties" or "dependentSchemas" or "$defs" or "definitions" =>
                    new JsonObject { [keyword == "patternProperties" ? "^a" : "a"] = RandomSchema(random, keywords, depth - 1), ["b"] = RandomSchema(random, keywords, depth - 1) },
                "required" => new JsonArray("a", "b"),
                "dependentRequired" => new JsonObject { ["a"] = new JsonArray("b") },
                "additionalProperties" or "propertyNames" or "items" or "contains" or "not" or "if" or "then" or "else"
                    or "unevaluatedProperties" or "unevaluatedItems" =>
                    RandomSchema(random, keywords, depth - 1),
                "prefixItems" or "allOf" or "anyOf" or "oneOf" =>
                    new JsonArray(RandomSchema(random, keywords, depth - 1), RandomSchema(random, keywords, depth - 1)),
                "uniqueItems" => random.Next(2) == 0,
                "multipleOf" => random.Next(2) == 0 ? 0.5 : random.Next(0, 4),
                "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => random.NextDouble() * 10 - 5,
                "pattern" => new[] { "^a", "b+", "(", "^(a|b)*$", "\\d" }[random.Next(5)],
                "format" => new[] { "email", "date", "uuid", "ipv4", "whatever" }[random.Next(5)],
                "$ref" => new[] { "#", "#/$defs/a", "#/definitions/b", "#/nope", "http://x/y" }[random.Next(5)],
                _ => random.Next(-1, 4),
            };
        }

        return schema;
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth == 0 ? 5 : 7))
        {
            case 0:
                return null;
            case 1:
                return random.Next(2) == 0;
            case 2:
                return random.Next(3) == 0 ? random.NextDouble() * 100 : random.Next(-5, 5);
            case 3:
                var builder = new StringBuilder();
                for (var i = random.Next(6); i > 0; i--)
                {
                    builder.Append("ab1@.😀-"[random.Next(8)]);
                }

                return builder.ToString();
            case 4:
                return JsonNode.Parse(new[] { "1e400", "-0", "0.1", "12345678901234567890123456789", "1.0" }[random.Next(5)]);
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(RandomValue(random, depth - 1));
                }

                return array;
            default:
                var obj = new JsonObject();
                foreach (var name in new[] { "a", "b", "ab", "c" }.Where(_ => random.Next(2) == 0))
                {
                    obj[name] = RandomValue(random, depth - 1);
                }

                return obj;
        }
    }
}
