using System.Text.Json;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Tests;

internal static class TestHelpers
{
    public static CelValue Eval(string expression, CelProfile? profile = null, CelActivation? activation = null) =>
        CelEnvironment.ForProfile(profile ?? CelProfile.InternalAdmin).Compile(expression).Evaluate(activation ?? CelActivation.Empty);

    public static string Show(CelValue v) => v is CelError e ? "error: " + e.Message : CelFormatter.Display(v);

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public const string RuleContext = """
        {
          "auditInfo": { "subject_claims": { "ClaimsMap": { "role": "teller", "scope": ["transfer.read", "transfer.approve"] } } },
          "toolArguments": { "amount": 250, "currency": "EUR", "memo": "rent" },
          "roles": ["teller", "approver"],
          "headers": { "x-tenant": "acme" },
          "statusCode": 200,
          "responseBody": "{}"
        }
        """;
}
