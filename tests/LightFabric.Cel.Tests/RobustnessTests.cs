using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Tests;

/// <summary>Arbitrary input must only ever produce compile errors or error values, never exceptions.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Tokens =
    [
        "1", "2u", "3.5", "'s'", "'😀'", "b'\\xff'", "true", "null", "x", "j", "[", "]", "{", "}", "(", ")", ",", ":", "?",
        ".", "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "!", "in", "size", "has", "map", "all", "exists",
        "filter", "optional.of", "[?", ".?", "int", "string", "type", "dyn", "matches", "'(a+)+$'", "math.greatest",
        "cel.bind", "timestamp", "duration", "'1s'", "format", "'%d%s%x'", "split", "substring", "charAt",
        "-9223372036854775808", "18446744073709551615u", "1e308", "lists.range", "sortBy", "transformMapEntry", "a", "b",
    ];

    [Fact]
    public void RandomTokenSequencesNeverThrowUnexpectedly()
    {
        var rng = new Random(20240601);
        var plain = new CelEnvironment();
        var typed = new CelEnvironment(new CelEnvironmentOptions
        {
            TypeCheck = true,
            Variables = new Dictionary<string, CelType> { ["x"] = CelType.Dyn, ["j"] = CelType.Dyn },
        });
        var activation = CelActivation.FromVariables([
            new("x", new Dictionary<string, object?> { ["a"] = 1L, ["b"] = new object?[] { "s", 2.5, null } }),
            new("j", TestHelpers.Json("""{"a": [1, 2.5, "s", null, {"b": true}], "c": 3}""")),
        ]);
        var failures = new List<string>();
        for (var i = 0; i < 5000 && failures.Count < 5; i++)
        {
            var expression = string.Join(rng.Next(2) == 0 ? " " : string.Empty, Enumerable.Range(0, rng.Next(1, 12)).Select(_ => Tokens[rng.Next(Tokens.Length)]));
            foreach (var env in new[] { plain, typed })
            {
                try
                {
                    var result = env.Compile(expression).Evaluate(activation);
                    _ = CelFormatter.Display(result);
                }
                catch (CelCompileException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"{expression}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.Empty(failures);
    }
}
