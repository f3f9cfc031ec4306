using Json.Schema;
using NetSchema = Json.Schema.JsonSchema;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>What each validator answers for a case's two values, checked before anything is measured.</summary>
public sealed record ToolSchemaCheck(string Case, int InHouseErrors, int NetErrors)
{
    public static ToolSchemaCheck Require(ToolSchemaCase c)
    {
        var schema = c.Schema;
        return Require(c, JsonSchema.Compile(schema), JsonSchemaNetAdapter.Build(JsonSchemaNetAdapter.ToElement(schema)));
    }

    public static ToolSchemaCheck Require(ToolSchemaCase c, JsonSchema inHouse, NetSchema net)
    {
        var inHouseValid = inHouse.Validate(c.Valid);
        var inHouseInvalid = inHouse.Validate(c.Invalid);
        var netValid = net.Evaluate(JsonSchemaNetAdapter.ToElement(c.Valid), JsonSchemaNetAdapter.ListOutput);
        var netInvalid = net.Evaluate(JsonSchemaNetAdapter.ToElement(c.Invalid), JsonSchemaNetAdapter.ListOutput);
        if (!inHouseValid.IsValid || inHouseInvalid.IsValid || !netValid.IsValid || netInvalid.IsValid)
        {
            throw new InvalidOperationException(
                $"case {c.Name}: expected valid/invalid, the in-house validator answered {inHouseValid.IsValid}/{inHouseInvalid.IsValid}, JsonSchema.Net {netValid.IsValid}/{netInvalid.IsValid}; nothing measured");
        }

        return new ToolSchemaCheck(c.Name, inHouseInvalid.Errors.Count, ErrorCount(netInvalid));
    }

    /// <summary>Errors in the list output: the root's and each listed node's.</summary>
    public static int ErrorCount(EvaluationResults results) =>
        (results.Errors?.Count ?? 0) + (results.Details?.Sum(d => d.Errors?.Count ?? 0) ?? 0);
}
