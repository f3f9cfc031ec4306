using System.Text.Json.Nodes;
using LightFabric.JsonSchema;

namespace LightFabric.JsonSchema.Tests;

/// <summary>Each keyword accepting and rejecting, as (schema, instance, valid) triples.</summary>
public sealed class JsonSchemaKeywordTests
{
    [Theory]
    // type
    [InlineData("""{"type":"string"}""", "\"a\"", true)]
    [InlineData("""{"type":"string"}""", "1", false)]
    [InlineData("""{"type":"integer"}""", "1", true)]
    [InlineData("""{"type":"integer"}""", "1.0", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"type":"number"}""", "1.5", true)]
    [InlineData("""{"type":"number"}""", "\"1\"", false)]
    [InlineData("""{"type":"boolean"}""", "false", true)]
    [InlineData("""{"type":"boolean"}""", "0", false)]
    [InlineData("""{"type":"null"}""", "null", true)]
    [InlineData("""{"type":"null"}""", "false", false)]
    [InlineData("""{"type":"object"}""", "{}", true)]
    [InlineData("""{"type":"object"}""", "[]", false)]
    [InlineData("""{"type":"array"}""", "[]", true)]
    [InlineData("""{"type":"array"}""", "{}", false)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "2", false)]
    // enum, const
    [InlineData("""{"enum":["a",1,{"x":[1]}]}""", "{\"x\":[1.0]}", true)]
    [InlineData("""{"enum":["a",1]}""", "\"b\"", false)]
    [InlineData("""{"enum":[false]}""", "0", false)]
    [InlineData("""{"const":{"a":1,"b":2}}""", "{\"b\":2,\"a\":1}", true)]
    [InlineData("""{"const":null}""", "0", false)]
    // object keywords
    [InlineData("""{"properties":{"a":{"type":"integer"}}}""", "{\"a\":1}", true)]
    [InlineData("""{"properties":{"a":{"type":"integer"}}}""", "{\"a\":\"x\"}", false)]
    [InlineData("""{"properties":{"a":{"type":"integer"}}}""", "\"not an object\"", true)]
    [InlineData("""{"required":["a","b"]}""", "{\"a\":1,\"b\":null}", true)]
    [InlineData("""{"required":["a","b"]}""", "{\"a\":1}", false)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", "{\"a\":1}", true)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", "{\"a\":1,\"b\":2}", false)]
    [InlineData("""{"additionalProperties":{"type":"string"}}""", "{\"b\":\"x\"}", true)]
    [InlineData("""{"additionalProperties":{"type":"string"}}""", "{\"b\":2}", false)]
    [InlineData("""{"patternProperties":{"^x_":{"type":"integer"}},"additionalProperties":false}""", "{\"x_a\":1}", true)]
    [InlineData("""{"patternProperties":{"^x_":{"type":"integer"}},"additionalProperties":false}""", "{\"x_a\":\"s\"}", false)]
    [InlineData("""{"patternProperties":{"^x_":{"type":"integer"}},"additionalProperties":false}""", "{\"y\":1}", false)]
    [InlineData("""{"propertyNames":{"maxLength":3}}""", "{\"abc\":1}", true)]
    [InlineData("""{"propertyNames":{"maxLength":3}}""", "{\"abcd\":1}", false)]
    [InlineData("""{"minProperties":1}""", "{\"a\":1}", true)]
    [InlineData("""{"minProperties":1}""", "{}", false)]
    [InlineData("""{"maxProperties":1}""", "{\"a\":1}", true)]
    [InlineData("""{"maxProperties":1}""", "{\"a\":1,\"b\":2}", false)]
    [InlineData("""{"dependentRequired":{"card":["cvv"]}}""", "{\"card\":1,\"cvv\":2}", true)]
    [InlineData("""{"dependentRequired":{"card":["cvv"]}}""", "{\"other\":1}", true)]
    [InlineData("""{"dependentRequired":{"card":["cvv"]}}""", "{\"card\":1}", false)]
    [InlineData("""{"dependentSchemas":{"card":{"required":["cvv"]}}}""", "{\"card\":1,\"cvv\":2}", true)]
    [InlineData("""{"dependentSchemas":{"card":{"required":["cvv"]}}}""", "{\"card\":1}", false)]
    [InlineData("""{"dependencies":{"card":["cvv"],"x":{"required":["y"]}}}""", "{\"card\":1,\"cvv\":1,\"x\":1,\"y\":1}", true)]
    [InlineData("""{"dependencies":{"card":["cvv"],"x":{"required":["y"]}}}""", "{\"x\":1}", false)]
    // array keywords
    [InlineData("""{"items":{"type":"integer"}}""", "[1,2]", true)]
    [InlineData("""{"items":{"type":"integer"}}""", "[1,\"2\"]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"},{"type":"integer"}]}""", "[\"a\",1,true]", true)]
    [InlineData("""{"prefixItems":[{"type":"string"},{"type":"integer"}]}""", "[1]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":false}""", "[\"a\"]", true)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":false}""", "[\"a\",\"b\"]", false)]
    [InlineData("""{"items":[{"type":"string"}],"additionalItems":false}""", "[\"a\"]", true)]
    [InlineData("""{"items":[{"type":"string"}],"additionalItems":false}""", "[\"a\",1]", false)]
    [InlineData("""{"items":[{"type":"string"}]}""", "[1]", false)]
    [InlineData("""{"contains":{"type":"integer"}}""", "[\"a\",1]", true)]
    [InlineData("""{"contains":{"type":"integer"}}""", "[\"a\"]", false)]
    [InlineData("""{"contains":{"type":"integer"},"minContains":2}""", "[1,2]", true)]
    [InlineData("""{"contains":{"type":"integer"},"minContains":2}""", "[1,\"a\"]", false)]
    [InlineData("""{"contains":{"type":"integer"},"maxContains":1}""", "[1,\"a\"]", true)]
    [InlineData("""{"contains":{"type":"integer"},"maxContains":1}""", "[1,2]", false)]
    [InlineData("""{"contains":{"type":"integer"},"minContains":0}""", "[]", true)]
    [InlineData("""{"minItems":2}""", "[1,2]", true)]
    [InlineData("""{"minItems":2}""", "[1]", false)]
    [InlineData("""{"maxItems":1}""", "[1]", true)]
    [InlineData("""{"maxItems":1}""", "[1,2]", false)]
    [InlineData("""{"uniqueItems":true}""", "[1,\"1\",[1],{\"a\":1},{\"a\":2}]", true)]
    [InlineData("""{"uniqueItems":true}""", "[1,2,1.0]", false)]
    [InlineData("""{"uniqueItems":true}""", "[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]", false)]
    [InlineData("""{"uniqueItems":false}""", "[1,1]", true)]
    // numbers
    [InlineData("""{"minimum":2}""", "2", true)]
    [InlineData("""{"minimum":2}""", "1.99", false)]
    [InlineData("""{"maximum":2}""", "2", true)]
    [InlineData("""{"maximum":2}""", "2.01", false)]
    [InlineData("""{"exclusiveMinimum":2}""", "2.01", true)]
    [InlineData("""{"exclusiveMinimum":2}""", "2", false)]
    [InlineData("""{"exclusiveMaximum":2}""", "1.99", true)]
    [InlineData("""{"exclusiveMaximum":2}""", "2", false)]
    [InlineData("""{"minimum":2,"exclusiveMinimum":true}""", "2", false)]
    [InlineData("""{"maximum":2,"exclusiveMaximum":true}""", "1", true)]
    [InlineData("""{"multipleOf":0.1}""", "0.3", true)]
    [InlineData("""{"multipleOf":0.1}""", "0.35", false)]
    [InlineData("""{"multipleOf":3}""", "9", true)]
    [InlineData("""{"multipleOf":3}""", "10", false)]
    // strings
    [InlineData("""{"minLength":2}""", "\"ab\"", true)]
    [InlineData("""{"minLength":2}""", "\"a\"", false)]
    [InlineData("""{"maxLength":2}""", "\"\uD83D\uDE00\uD83D\uDE00\"", true)]
    [InlineData("""{"maxLength":2}""", "\"abc\"", false)]
    [InlineData("""{"minLength":2}""", "\"\uD83D\uDE00\"", false)]
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"abc\"", true)]
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"abC\"", false)]
    [InlineData("""{"pattern":"b"}""", "\"abc\"", true)]
    [InlineData("""{"pattern":"(a)\\1"}""", "\"aa\"", true)]
    [InlineData("""{"pattern":"(a)\\1"}""", "\"ab\"", false)]
    [InlineData("""{"format":"email"}""", "\"not an email\"", true)]
    // applicators
    [InlineData("""{"allOf":[{"type":"integer"},{"minimum":2}]}""", "3", true)]
    [InlineData("""{"allOf":[{"type":"integer"},{"minimum":2}]}""", "1", false)]
    [InlineData("""{"anyOf":[{"type":"integer"},{"type":"string"}]}""", "\"a\"", true)]
    [InlineData("""{"anyOf":[{"type":"integer"},{"type":"string"}]}""", "null", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":2}]}""", "1", true)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":2}]}""", "3", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":2}]}""", "1.5", false)]
    [InlineData("""{"not":{"type":"string"}}""", "1", true)]
    [InlineData("""{"not":{"type":"string"}}""", "\"a\"", false)]
    [InlineData("""{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", "{\"k\":\"a\",\"a\":1}", true)]
    [InlineData("""{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", "{\"k\":\"a\",\"b\":1}", false)]
    [InlineData("""{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", "{\"k\":\"z\",\"b\":1}", true)]
    [InlineData("""{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", "{\"k\":\"z\",\"a\":1}", false)]
    [InlineData("""{"then":{"required":["a"]}}""", "{}", true)]
    // boolean schemas
    [InlineData("true", "{\"anything\":[1]}", true)]
    [InlineData("false", "1", false)]
    [InlineData("{}", "null", true)]
    // references
    [InlineData("""{"$defs":{"p":{"type":"integer"}},"properties":{"a":{"$ref":"#/$defs/p"}}}""", "{\"a\":1}", true)]
    [InlineData("""{"$defs":{"p":{"type":"integer"}},"properties":{"a":{"$ref":"#/$defs/p"}}}""", "{\"a\":\"x\"}", false)]
    [InlineData("""{"definitions":{"p":{"type":"integer"}},"items":{"$ref":"#/definitions/p"}}""", "[\"x\"]", false)]
    [InlineData("""{"$defs":{"a b/c":{"type":"integer"}},"$ref":"#/$defs/a%20b~1c"}""", "\"x\"", false)]
    [InlineData("""{"$defs":{"p":{"$anchor":"pos","minimum":0}},"$ref":"#pos"}""", "-1", false)]
    [InlineData("""{"$id":"https://example.com/s","$defs":{"p":{"type":"string"}},"$ref":"https://example.com/s#/$defs/p"}""", "1", false)]
    [InlineData("""{"$ref":"#/$defs/p","type":"integer","$defs":{"p":{"minimum":5}}}""", "3", false)]
    [InlineData("""{"components":{"x":{"type":"string"}},"$ref":"#/components/x"}""", "\"ok\"", true)]
    // unknown keywords and extensions are ignored
    [InlineData("""{"x-mask":true,"title":"t","description":"d","default":1,"examples":[2],"deprecated":true,"unknownKeyword":{"type":"string"}}""", "1", true)]
    public void Keyword(string schema, string instance, bool valid)
    {
        var compiled = JsonSchema.Compile(JsonNode.Parse(schema));
        var result = compiled.Validate(JsonNode.Parse(instance));
        Assert.True(valid == result.IsValid, $"{schema} on {instance}: expected {(valid ? "valid" : "invalid")}, got {string.Join("; ", result.Errors)}");
        Assert.Equal(result.IsValid, result.Errors.Count == 0);
    }

    [Theory]
    [InlineData("date-time", "2024-02-29T12:30:00Z", true)]
    [InlineData("date-time", "2024-02-29T12:30:00.123+02:00", true)]
    [InlineData("date-time", "2023-02-29T12:30:00Z", false)]
    [InlineData("date-time", "2024-01-01 12:30:00Z", false)]
    [InlineData("date", "2024-12-31", true)]
    [InlineData("date", "2024-13-01", false)]
    [InlineData("time", "23:59:60Z", true)]
    [InlineData("time", "24:00:00Z", false)]
    [InlineData("time", "12:00:00", false)]
    [InlineData("email", "joe.bloggs@example.com", true)]
    [InlineData("email", "joe..bloggs@example.com", false)]
    [InlineData("email", "no-at-sign", false)]
    [InlineData("uri", "https://example.com/a?b=c", true)]
    [InlineData("uri", "/relative/path", false)]
    [InlineData("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", true)]
    [InlineData("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638", false)]
    [InlineData("ipv4", "192.168.0.1", true)]
    [InlineData("ipv4", "192.168.0.256", false)]
    [InlineData("ipv4", "01.2.3.4", false)]
    [InlineData("ipv6", "::1", true)]
    [InlineData("ipv6", "fe80::1%eth0", false)]
    [InlineData("ipv6", "1.2.3.4", false)]
    [InlineData("hostname-unknown-to-us", "anything", true)]
    public void Format_is_asserted_only_when_turned_on(string format, string value, bool valid)
    {
        var schema = new JsonObject { ["format"] = format };
        var instance = JsonValue.Create(value);
        Assert.True(JsonSchema.Compile(schema).IsValid(instance), "format is an annotation by default");
        Assert.Equal(valid, JsonSchema.Compile(schema, new JsonSchemaOptions { AssertFormat = true }).IsValid(instance));
    }

    [Fact]
    public void Format_does_not_apply_to_other_types()
    {
        var schema = JsonSchema.Compile(JsonNode.Parse("""{"format":"email"}"""), new JsonSchemaOptions { AssertFormat = true });
        Assert.True(schema.IsValid(JsonNode.Parse("12")));
    }

    [Fact]
    public void Numbers_of_any_backing_type_compare_by_value()
    {
        var schema = JsonSchema.Compile(JsonNode.Parse("""{"enum":[1, 2.5],"maximum":3}"""));
        Assert.True(schema.IsValid(JsonValue.Create(1)));
        Assert.True(schema.IsValid(JsonValue.Create(2.5d)));
        Assert.True(schema.IsValid(JsonValue.Create(1.0m)));
        Assert.False(schema.IsValid(JsonValue.Create(3L)));
    }
}
