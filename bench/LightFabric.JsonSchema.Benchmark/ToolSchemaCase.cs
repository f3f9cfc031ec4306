using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>A tool schema of the kind the gateway's tests configure, with a value it accepts and one it refuses.</summary>
public sealed record ToolSchemaCase(string Name, string Source, string SchemaJson, string ValidJson, string InvalidJson)
{
    public JsonNode Schema => JsonNode.Parse(SchemaJson)!;

    public JsonNode Valid => JsonNode.Parse(ValidJson)!;

    public JsonNode Invalid => JsonNode.Parse(InvalidJson)!;

    public override string ToString() => Name;

    public static IReadOnlyList<ToolSchemaCase> All { get; } =
    [
        new("flat",
            "the `order` inputSchema of tests/LightFabric.Gateway.Tests/AccessControl/ToolCallOrderTests.cs",
            """{"type":"object","required":["id","quantity"],"properties":{"id":{"type":"string"},"quantity":{"type":"integer","minimum":1}}}""",
            """{"id":"7","quantity":2}""",
            """{"id":7,"quantity":0}"""),
        new("nested",
            "the `order` inputSchema of tests/LightFabric.Gateway.Tests/Mcp/HttpApiToolTests.cs (payer object, items array of objects) with enums, patterns and bounds added",
            """
            {"type":"object","required":["id","items"],"additionalProperties":false,
             "properties":{
               "id":{"type":"string","pattern":"^[A-Z]{2}-[0-9]{4}$"},
               "status":{"enum":["draft","placed","shipped"]},
               "note":{"type":"string","maxLength":200},
               "payer":{"type":"object","required":["name"],"additionalProperties":false,
                 "properties":{"name":{"type":"string","minLength":1},"ssn":{"type":"string","pattern":"^[0-9]{3}-[0-9]{2}-[0-9]{4}$"},
                   "country":{"enum":["DE","FR","NO","US"]}}},
               "items":{"type":"array","minItems":1,"maxItems":50,
                 "items":{"type":"object","required":["sku","quantity"],
                   "properties":{"sku":{"type":"string","pattern":"^[a-z0-9-]+$"},"quantity":{"type":"integer","minimum":1},
                     "price":{"type":"number","exclusiveMinimum":0},"secret":{"type":"string"}}}},
               "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}}}
            """,
            """
            {"id":"AB-1234","status":"placed","note":"leave at the door",
             "payer":{"name":"Ada","ssn":"123-45-6789","country":"NO"},
             "items":[{"sku":"tea-1","quantity":2,"price":3.5},{"sku":"cup-7","quantity":1,"price":12},{"sku":"pot-2","quantity":1}],
             "tags":["gift","express"]}
            """,
            """
            {"id":"ab-12","status":"lost",
             "payer":{"name":"","ssn":"123456789","country":"SE"},
             "items":[{"sku":"Tea 1","quantity":0,"price":0},{"quantity":1}],
             "tags":["gift","gift"],"extra":true}
            """),
        new("refs",
            "the `json_schema_2020_12_tool` inputSchema of tests/conformance/fixture-server.mjs ($schema, $defs, $ref) with the `quantity` $defs of tests/LightFabric.Gateway.Tests/Mcp/SchemaValidationTests.cs",
            """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,
             "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}},
                      "quantity":{"type":"integer","minimum":1}},
             "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},"billing":{"$ref":"#/$defs/address"},
                           "quantity":{"$ref":"#/$defs/quantity"}}}
            """,
            """{"name":"Ada","address":{"street":"1 Main St","city":"Oslo"},"billing":{"city":"Bergen"},"quantity":3}""",
            """{"name":1,"address":{"city":2},"quantity":0,"extra":true}"""),
        new("array-1000",
            "the `accounts` outputSchema of tests/LightFabric.Gateway.Tests/AccessControl/FilteredOutputSchemaTests.cs with typed row properties; 1,000 rows (the invalid value differs in the last row only)",
            """
            {"type":"object","required":["items"],
             "properties":{"items":{"type":"array","items":{"type":"object","required":["accountNo","status"],
               "properties":{"accountNo":{"type":"string","pattern":"^[0-9]{8}$"},"status":{"enum":["open","closed","frozen"]},
                 "balance":{"type":"number"},"owner":{"type":"string"}}}}}}
            """,
            Rows(1000, lastStatus: "open"),
            Rows(1000, lastStatus: "gone")),
    ];

    private static string Rows(int count, string lastStatus)
    {
        var rows = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            rows.Add(new JsonObject
            {
                ["accountNo"] = (10_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["status"] = i == count - 1 ? lastStatus : (i % 3 == 0 ? "closed" : "open"),
                ["balance"] = i * 10.25,
                ["owner"] = i % 2 == 0 ? "alice" : "bob",
            });
        }

        return new JsonObject { ["items"] = rows }.ToJsonString();
    }
}
