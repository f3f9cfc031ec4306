using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Benchmarks;

/// <summary>The seed's access rule evaluated over a JSON request context, and its compilation.</summary>
[MemoryDiagnoser]
public class RuleConditionBenchmarks
{
    public const string Expression = "auditInfo.subject_claims.ClaimsMap.role in roles && toolArguments.amount < 1000";

    private const string ContextJson = """
        {
          "auditInfo": {
            "subject_claims": {
              "ClaimsMap": { "role": "approver", "scope": ["transfer.read", "transfer.approve"], "sub": "u-1842" }
            },
            "endpoint": "/transfer@post",
            "correlationId": "c0ffee"
          },
          "toolArguments": { "amount": 250, "currency": "EUR", "to": "DE89370400440532013000" },
          "roles": ["teller", "auditor", "approver"],
          "headers": { "x-tenant": "acme", "user-agent": "bench" }
        }
        """;

    private CelEnvironment _environment = null!;
    private CelProgram _program = null!;
    private JsonElement _context;
    private CelActivation _activation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _environment = CelEnvironment.ForProfile(CelProfile.Strict);
        _program = _environment.Compile(Expression);
        using var doc = JsonDocument.Parse(ContextJson);
        _context = doc.RootElement.Clone();
        _activation = _program.CreateActivation(_context);
        if (_program.Evaluate(_activation) is not CelBool { Value: true })
        {
            throw new InvalidOperationException("the benchmark rule must evaluate to true");
        }
    }

    /// <summary>Evaluation against the per-request activation (members read on first use, then reused).</summary>
    [Benchmark(Baseline = true)]
    public CelValue Evaluate() => _program.Evaluate(_activation);

    /// <summary>Building the activation over the JSON context plus one evaluation (first touch of every member).</summary>
    [Benchmark]
    public CelValue EvaluateWithNewActivation() => _program.Evaluate(_program.CreateActivation(_context));

    /// <summary>Parse, profile validation and planning of the rule.</summary>
    [Benchmark]
    public CelProgram Compile() => _environment.Compile(Expression);
}
