using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.JsonSchema;

namespace LightFabric.JsonSchema.Tests;

/// <summary>
/// unevaluatedProperties and unevaluatedItems (JSON Schema 2020-12 Core §11): which properties and items count as
/// evaluated — adjacent keywords, passing in-place subschemas, never failed branches or other instance locations.
/// </summary>
public sealed class JsonSchemaUnevaluatedTests
{
    private const string EitherAorB = """
        {"anyOf":[{"properties":{"a":{"const":1}},"required":["a"]},{"properties":{"b":{"const":2}},"required":["b"]}],
         "unevaluatedProperties":false}
        """;

    private const string PaymentByKind = """
        {"if":{"properties":{"kind":{"const":"card"}},"required":["kind"]},
         "then":{"properties":{"number":{"type":"string"}}},
         "else":{"properties":{"iban":{"type":"string"}}},
         "unevaluatedProperties":false}
        """;

    private const string TaggedTuple = """
        {"if":{"prefixItems":[{"const":"point"}]},"then":{"prefixItems":[{},{"type":"number"},{"type":"number"}]},
         "unevaluatedItems":false}
        """;

    [Theory]
    // adjacent keywords
    [InlineData("""{"properties":{"a":{}},"unevaluatedProperties":false}""", """{"a":1}""", true)]
    [InlineData("""{"properties":{"a":{}},"unevaluatedProperties":false}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"patternProperties":{"^x_":{}},"unevaluatedProperties":false}""", """{"x_1":1}""", true)]
    [InlineData("""{"patternProperties":{"^x_":{}},"unevaluatedProperties":false}""", """{"x_1":1,"y":1}""", false)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":true,"unevaluatedProperties":false}""", """{"a":1,"z":1}""", true)]
    [InlineData("""{"unevaluatedProperties":{"type":"string"}}""", """{"a":"x"}""", true)]
    [InlineData("""{"unevaluatedProperties":{"type":"string"}}""", """{"a":1}""", false)]
    [InlineData("""{"properties":{"n":{"type":"integer"}},"unevaluatedProperties":{"type":"string"}}""", """{"n":1,"s":"x"}""", true)]
    [InlineData("""{"unevaluatedProperties":false}""", "{}", true)]
    [InlineData("""{"unevaluatedProperties":false}""", "\"not an object\"", true)]
    [InlineData("""{"unevaluatedProperties":false}""", "[1]", true)]
    // allOf: the point of the keyword — additionalProperties cannot see into allOf, unevaluatedProperties can
    [InlineData("""{"allOf":[{"properties":{"a":{}}}],"unevaluatedProperties":false}""", """{"a":1}""", true)]
    [InlineData("""{"allOf":[{"properties":{"a":{}}}],"unevaluatedProperties":false}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"allOf":[{"properties":{"a":{}}}],"additionalProperties":false}""", """{"a":1}""", false)]
    [InlineData("""{"allOf":[{"allOf":[{"properties":{"a":{}}}]}],"unevaluatedProperties":false}""", """{"a":1}""", true)]
    [InlineData("""{"allOf":[{"additionalProperties":true}],"unevaluatedProperties":false}""", """{"any":1}""", true)]
    // anyOf: every passing branch counts, a failing one does not
    [InlineData(EitherAorB, """{"a":1}""", true)]
    [InlineData(EitherAorB, """{"b":2}""", true)]
    [InlineData(EitherAorB, """{"a":1,"b":2}""", true)]
    [InlineData(EitherAorB, """{"a":1,"b":3}""", false)]
    [InlineData(EitherAorB, """{"a":1,"c":0}""", false)]
    // oneOf: only the one passing branch counts
    [InlineData("""{"oneOf":[{"properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer"}},"required":["b"]}],"unevaluatedProperties":false}""", """{"a":"x"}""", true)]
    [InlineData("""{"oneOf":[{"properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer"}},"required":["b"]}],"unevaluatedProperties":false}""", """{"a":"x","b":"y"}""", false)]
    // not contributes nothing, even when it passes
    [InlineData("""{"not":{"not":{"properties":{"a":{}}}},"unevaluatedProperties":false}""", """{"a":1}""", false)]
    // if/then/else: if counts only when it holds; the branch taken counts
    [InlineData(PaymentByKind, """{"kind":"card","number":"4111"}""", true)]
    [InlineData(PaymentByKind, """{"kind":"card","iban":"DE00"}""", false)]
    [InlineData(PaymentByKind, """{"iban":"DE00"}""", true)]
    [InlineData(PaymentByKind, """{"kind":"bank","iban":"DE00"}""", false)]
    // $ref (and $dynamicRef, read as a plain local reference) applies in place
    [InlineData("""{"$defs":{"base":{"properties":{"id":{"type":"integer"}}}},"$ref":"#/$defs/base","properties":{"name":{}},"unevaluatedProperties":false}""", """{"id":1,"name":"n"}""", true)]
    [InlineData("""{"$defs":{"base":{"properties":{"id":{"type":"integer"}}}},"$ref":"#/$defs/base","properties":{"name":{}},"unevaluatedProperties":false}""", """{"id":1,"extra":1}""", false)]
    [InlineData("""{"$defs":{"x":{"properties":{"a":{}}}},"$dynamicRef":"#/$defs/x","unevaluatedProperties":false}""", """{"a":1}""", true)]
    // dependentSchemas counts when its trigger is present
    [InlineData("""{"properties":{"card":{}},"dependentSchemas":{"card":{"properties":{"cvv":{}}}},"unevaluatedProperties":false}""", """{"card":1,"cvv":1}""", true)]
    [InlineData("""{"properties":{"card":{}},"dependentSchemas":{"card":{"properties":{"cvv":{}}}},"unevaluatedProperties":false}""", """{"cvv":1}""", false)]
    // nested unevaluatedProperties: an inner one sees only its own scope; a passing one evaluates everything
    [InlineData("""{"properties":{"a":{}},"allOf":[{"properties":{"b":{}},"unevaluatedProperties":false}]}""", """{"b":1}""", true)]
    [InlineData("""{"properties":{"a":{}},"allOf":[{"properties":{"b":{}},"unevaluatedProperties":false}]}""", """{"a":1,"b":1}""", false)]
    [InlineData("""{"$defs":{"closed":{"properties":{"a":{}},"unevaluatedProperties":false}},"allOf":[{"$ref":"#/$defs/closed"}],"properties":{"b":{}}}""", """{"a":1,"b":1}""", false)]
    [InlineData("""{"allOf":[{"properties":{"a":{}},"unevaluatedProperties":true}],"unevaluatedProperties":false}""", """{"a":1,"z":2}""", true)]
    [InlineData("""{"anyOf":[{"unevaluatedProperties":{"type":"string"}},{"properties":{"n":{}}}],"unevaluatedProperties":false}""", """{"n":1,"s":"x"}""", false)]
    [InlineData("""{"anyOf":[{"unevaluatedProperties":{"type":"string"}},{"properties":{"n":{}}}],"unevaluatedProperties":false}""", """{"s":"x"}""", true)]
    // annotations belong to one instance location: a child's evaluated properties are not the parent's
    [InlineData("""{"properties":{"child":{"properties":{"x":{}},"unevaluatedProperties":false}},"unevaluatedProperties":false}""", """{"child":{"x":1}}""", true)]
    [InlineData("""{"properties":{"child":{"properties":{"x":{}},"unevaluatedProperties":false}},"unevaluatedProperties":false}""", """{"child":{"x":1,"y":1}}""", false)]
    [InlineData("""{"properties":{"child":{"properties":{"x":{}}}},"unevaluatedProperties":false}""", """{"child":{},"x":1}""", false)]
    [InlineData("""{"$defs":{"node":{"properties":{"v":{},"next":{"$ref":"#/$defs/node"}},"unevaluatedProperties":false}},"$ref":"#/$defs/node"}""", """{"v":1,"next":{"v":2}}""", true)]
    [InlineData("""{"$defs":{"node":{"properties":{"v":{},"next":{"$ref":"#/$defs/node"}},"unevaluatedProperties":false}},"$ref":"#/$defs/node"}""", """{"v":1,"next":{"v":2,"x":3}}""", false)]
    // items: prefixItems, items, contains
    [InlineData("""{"prefixItems":[{"type":"string"}],"unevaluatedItems":false}""", """["a"]""", true)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"unevaluatedItems":false}""", """["a",1]""", false)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"unevaluatedItems":false}""", "[]", true)]
    [InlineData("""{"prefixItems":[{}],"unevaluatedItems":{"type":"integer"}}""", """["a",1,2]""", true)]
    [InlineData("""{"prefixItems":[{}],"unevaluatedItems":{"type":"integer"}}""", """["a",1,"b"]""", false)]
    [InlineData("""{"items":{"type":"integer"},"unevaluatedItems":false}""", "[1,2]", true)]
    [InlineData("""{"items":[{}],"unevaluatedItems":false}""", "[1]", true)]
    [InlineData("""{"items":[{}],"unevaluatedItems":false}""", "[1,2]", false)]
    [InlineData("""{"contains":{"type":"string"},"unevaluatedItems":false}""", """["a","b"]""", true)]
    [InlineData("""{"contains":{"type":"string"},"unevaluatedItems":false}""", """["a",1]""", false)]
    [InlineData("""{"contains":{"type":"string"},"unevaluatedItems":{"type":"integer"}}""", """["a",1,"b",2]""", true)]
    [InlineData("""{"contains":{"type":"string"},"unevaluatedItems":{"type":"integer"}}""", """["a",true]""", false)]
    [InlineData("""{"contains":{"const":1},"minContains":0,"unevaluatedItems":false}""", "[1,1]", true)]
    [InlineData("""{"contains":{"const":1},"minContains":0,"unevaluatedItems":false}""", "[1,2]", false)]
    [InlineData("""{"prefixItems":[{}],"allOf":[{"contains":{"const":"x"}}],"unevaluatedItems":false}""", """[0,"x","x"]""", true)]
    [InlineData("""{"prefixItems":[{}],"allOf":[{"contains":{"const":"x"}}],"unevaluatedItems":false}""", """[0,"x","y"]""", false)]
    [InlineData("""{"unevaluatedItems":false}""", "[]", true)]
    [InlineData("""{"unevaluatedItems":false}""", "[1]", false)]
    [InlineData("""{"unevaluatedItems":false}""", """{"a":1}""", true)]
    // items through in-place applicators
    [InlineData("""{"allOf":[{"prefixItems":[{},{}]}],"unevaluatedItems":false}""", "[1,2]", true)]
    [InlineData("""{"allOf":[{"prefixItems":[{},{}]}],"unevaluatedItems":false}""", "[1,2,3]", false)]
    [InlineData("""{"anyOf":[{"prefixItems":[{"const":"a"}]},{"prefixItems":[{},{"const":"b"}]}],"unevaluatedItems":false}""", """["a"]""", true)]
    [InlineData("""{"anyOf":[{"prefixItems":[{"const":"a"}]},{"prefixItems":[{},{"const":"b"}]}],"unevaluatedItems":false}""", """["a","b"]""", true)]
    [InlineData("""{"anyOf":[{"prefixItems":[{"const":"a"}]},{"prefixItems":[{},{"const":"b"}]}],"unevaluatedItems":false}""", """["a","c"]""", false)]
    [InlineData("""{"anyOf":[{"prefixItems":[{"const":"a"}]},{"prefixItems":[{},{"const":"b"}]}],"unevaluatedItems":false}""", """["x","b"]""", true)]
    [InlineData(TaggedTuple, """["point",1,2]""", true)]
    [InlineData(TaggedTuple, """["point",1,2,3]""", false)]
    [InlineData(TaggedTuple, """["line",1]""", false)]
    [InlineData("""{"anyOf":[{"contains":{"const":1}},{"contains":{"const":2}}],"unevaluatedItems":false}""", "[1,2,1]", true)]
    [InlineData("""{"anyOf":[{"contains":{"const":1}},{"contains":{"const":2},"maxContains":1}],"unevaluatedItems":false}""", "[1,2,2]", false)]
    [InlineData("""{"not":{"not":{"items":true}},"unevaluatedItems":false}""", "[1]", false)]
    [InlineData("""{"allOf":[{"prefixItems":[{}],"unevaluatedItems":true}],"unevaluatedItems":false}""", "[1,2,3]", true)]
    [InlineData("""{"prefixItems":[{}],"allOf":[{"unevaluatedItems":false}]}""", "[1]", false)]
    [InlineData("""{"prefixItems":[{"prefixItems":[{}],"unevaluatedItems":false}],"unevaluatedItems":false}""", "[[1]]", true)]
    [InlineData("""{"prefixItems":[{"prefixItems":[{}],"unevaluatedItems":false}],"unevaluatedItems":false}""", "[[1,2]]", false)]
    public void Unevaluated(string schema, string instance, bool valid)
    {
        var result = JsonSchema.Compile(JsonNode.Parse(schema)).Validate(JsonNode.Parse(instance));
        Assert.True(valid == result.IsValid, $"{schema} on {instance}: expected {(valid ? "valid" : "invalid")}, got {string.Join("; ", result.Errors)}");
        Assert.Equal(result.IsValid, result.Errors.Count == 0);
    }

    [Theory]
    [InlineData("http://json-schema.org/draft-07/schema#", true)]
    [InlineData("http://json-schema.org/draft-06/schema#", true)]
    [InlineData("http://json-schema.org/draft-04/schema", true)]
    [InlineData("https://json-schema.org/draft/2019-09/schema", false)]
    [InlineData("https://json-schema.org/draft/2020-12/schema", false)]
    public void Drafts_without_unevaluated_keywords_ignore_them(string dialect, bool valid)
    {
        var schema = new JsonObject
        {
            ["$schema"] = dialect,
            ["properties"] = new JsonObject { ["a"] = new JsonObject() },
            ["unevaluatedProperties"] = false,
            ["items"] = new JsonArray(new JsonObject()),
            ["unevaluatedItems"] = false,
        };
        var compiled = JsonSchema.Compile(schema);
        Assert.Equal(valid, compiled.IsValid(JsonNode.Parse("""{"a":1,"b":2}""")));
        Assert.Equal(valid, compiled.IsValid(JsonNode.Parse("[1,2]")));
    }

    [Fact]
    public void Errors_name_the_unevaluated_property_or_item()
    {
        var closed = JsonSchema.Compile(JsonNode.Parse("""{"allOf":[{"properties":{"a":{}}}],"unevaluatedProperties":false}"""));
        Assert.Equal(
            [new SchemaError("/b", "unevaluatedProperties", "property 'b' is not allowed")],
            closed.Validate(JsonNode.Parse("""{"a":1,"b":2}""")).Errors);

        var typed = JsonSchema.Compile(JsonNode.Parse("""{"unevaluatedProperties":{"type":"string"}}"""));
        Assert.Equal("/n: must be string, not integer (type)", Assert.Single(typed.Validate(JsonNode.Parse("""{"n":1}""")).Errors).ToString());

        var tuple = JsonSchema.Compile(JsonNode.Parse("""{"prefixItems":[{}],"unevaluatedItems":false}"""));
        Assert.Equal(
            ["/1: item 1 is not allowed (unevaluatedItems)", "/2: item 2 is not allowed (unevaluatedItems)"],
            tuple.Validate(JsonNode.Parse("[0,1,2]")).Errors.Select(e => e.ToString()).ToArray());

        var either = JsonSchema.Compile(JsonNode.Parse(EitherAorB)).Validate(JsonNode.Parse("""{"a":1,"b":3}"""));
        Assert.Equal(new SchemaError("/b", "unevaluatedProperties", "property 'b' is not allowed"), Assert.Single(either.Errors));
    }

    [Fact]
    public void A_property_already_reported_by_a_failing_allOf_is_not_reported_again()
    {
        // The allOf failure decides the outcome; keeping its annotations only spares a misleading second error.
        var schema = JsonSchema.Compile(JsonNode.Parse("""{"allOf":[{"properties":{"a":{"type":"string"}}}],"unevaluatedProperties":false}"""));
        var result = schema.Validate(JsonNode.Parse("""{"a":1,"b":2}"""));
        Assert.Equal(["/a:type", "/b:unevaluatedProperties"], result.Errors.Select(e => $"{e.InstancePath}:{e.Keyword}").ToArray());
    }

    [Fact]
    public void Annotation_work_is_charged_to_the_step_budget()
    {
        // With unevaluatedItems every anyOf branch must be evaluated (no short cut), so the work doubles per level.
        var schema = JsonSchema.Compile(JsonNode.Parse("""{"anyOf":[{"items":{"$ref":"#"}},{"items":{"$ref":"#"}}],"unevaluatedItems":false}"""));
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

        // Checking many unevaluated properties costs a step each.
        var wide = new JsonObject(Enumerable.Range(0, 5_000).Select(i => KeyValuePair.Create($"p{i}", (JsonNode?)JsonValue.Create(i))));
        var open = JsonSchema.Compile(JsonNode.Parse("""{"unevaluatedProperties":{"type":"integer"}}"""), new JsonSchemaOptions { MaxSteps = 5_000 });
        Assert.Equal("maxSteps", Assert.Single(open.Validate(wide).Errors).Keyword);
        Assert.True(JsonSchema.Compile(JsonNode.Parse("""{"unevaluatedProperties":{"type":"integer"}}""")).IsValid(wide));
    }

    [Fact]
    public void A_reference_cycle_next_to_unevaluated_ends_quickly()
    {
        var schema = JsonSchema.Compile(JsonNode.Parse("""{"$ref":"#","unevaluatedProperties":false}"""));
        var result = schema.Validate(JsonNode.Parse("""{"a":1}"""));
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Keyword is "$ref" or "maxSteps");
    }

    [Fact]
    public void Malformed_unevaluated_keywords_do_not_compile()
    {
        Assert.Contains("#/unevaluatedProperties: a schema must be an object or a boolean",
            Assert.Throws<JsonSchemaException>(() => JsonSchema.Compile(JsonNode.Parse("""{"unevaluatedProperties":1}"""))).Message, StringComparison.Ordinal);
        Assert.Contains("#/allOf/0/unevaluatedItems: a schema must be an object or a boolean",
            Assert.Throws<JsonSchemaException>(() => JsonSchema.Compile(JsonNode.Parse("""{"allOf":[{"unevaluatedItems":"no"}]}"""))).Message, StringComparison.Ordinal);
    }
}
