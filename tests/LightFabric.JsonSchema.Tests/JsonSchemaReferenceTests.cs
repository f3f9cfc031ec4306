using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema.Tests;

/// <summary>References by base URI ($id), to documents given in the options, $dynamicRef, and draft-07's $ref.</summary>
public sealed class JsonSchemaReferenceTests
{
    private static JsonSchema Compile(string schema, JsonSchemaOptions? options = null) => JsonSchema.Compile(JsonNode.Parse(schema), options);

    private static bool Valid(JsonSchema schema, string instance) => schema.IsValid(JsonNode.Parse(instance));

    [Fact]
    public void A_relative_ref_resolves_against_the_nearest_id()
    {
        var schema = Compile("""
            {"$id":"https://example.com/root.json","properties":{"a":{"$ref":"item.json"},"b":{"$ref":"nested/item.json"}},
             "$defs":{"item":{"$id":"item.json","type":"integer"},
                      "nested":{"$id":"nested/","$defs":{"n":{"$id":"item.json","type":"string"}}}}}
            """);
        Assert.True(Valid(schema, """{"a":1,"b":"x"}"""));
        Assert.False(Valid(schema, """{"a":"x"}"""));
        Assert.False(Valid(schema, """{"b":1}"""));
    }

    [Fact]
    public void An_id_inside_enum_or_a_property_named_id_is_no_identifier()
    {
        var schema = Compile("""
            {"$id":"https://example.com/root.json","properties":{"$id":{"$ref":"#/$defs/s"}},"$defs":{"s":{"type":"string"}}}
            """);
        Assert.True(Valid(schema, """{"$id":"x"}"""));
        Assert.False(Valid(schema, """{"$id":1}"""));

        var problem = Assert.Throws<JsonSchemaException>(() => Compile("""
            {"$id":"https://example.com/root.json","$ref":"other.json","$defs":{"e":{"enum":[{"$id":"other.json","type":"null"}]}}}
            """));
        Assert.Contains("'other.json' is an external reference", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_given_in_the_options_are_found_by_uri_and_nothing_else_is()
    {
        var documents = new Dictionary<string, JsonNode>
        {
            ["https://schemas.example/address.json"] = JsonNode.Parse("""{"type":"object","required":["city"],"properties":{"zip":{"$ref":"#/$defs/zip"}},"$defs":{"zip":{"pattern":"^[0-9]{5}$"}}}""")!,
        };
        var options = JsonSchemaOptions.Default with { Documents = documents };
        var schema = Compile("""{"properties":{"home":{"$ref":"https://schemas.example/address.json"}}}""", options);
        Assert.True(Valid(schema, """{"home":{"city":"Oslo","zip":"01234"}}"""));
        Assert.False(Valid(schema, """{"home":{"zip":"01234"}}"""));
        Assert.False(Valid(schema, """{"home":{"city":"Oslo","zip":"12"}}"""));

        var problem = Assert.Throws<JsonSchemaException>(() => Compile("""{"$ref":"https://schemas.example/other.json"}""", options));
        Assert.Contains("is an external reference", problem.Message, StringComparison.Ordinal);
        Assert.Contains("does not fetch", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_path_reference_stays_on_the_base_uri_host()
    {
        var schema = Compile("""
            {"$id":"https://example.com/ref/absref.json","$defs":{"a":{"$id":"/absref/foobar.json","type":"number"}},
             "$ref":"/absref/foobar.json"}
            """);
        Assert.True(Valid(schema, "1"));
        Assert.False(Valid(schema, "\"a\""));
    }

    [Fact]
    public void A_dynamic_ref_takes_the_outermost_dynamic_anchor_of_the_scope()
    {
        // A generic list whose items the outer schema narrows to strings.
        var schema = Compile("""
            {"$id":"https://example.com/strings","$ref":"list","$defs":{
               "item":{"$dynamicAnchor":"item","type":"string"},
               "list":{"$id":"list","type":"array","items":{"$dynamicRef":"#item"},
                       "$defs":{"any":{"$dynamicAnchor":"item"}}}}}
            """);
        Assert.True(Valid(schema, """["a","b"]"""));
        Assert.False(Valid(schema, """["a",1]"""));

        var alone = Compile("""
            {"$id":"https://example.com/list","type":"array","items":{"$dynamicRef":"#item"},"$defs":{"any":{"$dynamicAnchor":"item"}}}
            """);
        Assert.True(Valid(alone, """["a",1]"""));
    }

    [Fact]
    public void In_draft_07_ref_replaces_its_siblings()
    {
        var draft7 = Compile("""
            {"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"a":{"type":"array"}},
             "properties":{"foo":{"$ref":"#/definitions/a","maxItems":1}}}
            """);
        Assert.True(Valid(draft7, """{"foo":[1,2,3]}"""));

        var current = Compile("""{"$defs":{"a":{"type":"array"}},"properties":{"foo":{"$ref":"#/$defs/a","maxItems":1}}}""");
        Assert.False(Valid(current, """{"foo":[1,2,3]}"""));
    }

    [Theory]
    [InlineData("^\\p{Letter}+$", "\u00e9t\u00e9", true)]
    [InlineData("^\\p{Letter}+$", "42", false)]
    [InlineData("^\\p{General_Category=Decimal_Number}+$", "42", true)]
    [InlineData("^\\\\p{Letter}$", "\\p{Letter}", true)]
    public void Patterns_read_ecma_262_unicode_property_names(string pattern, string value, bool valid)
    {
        var schema = JsonSchema.Compile(new JsonObject { ["pattern"] = pattern });
        Assert.Equal(valid, schema.IsValid(JsonValue.Create(value)));
    }
}
