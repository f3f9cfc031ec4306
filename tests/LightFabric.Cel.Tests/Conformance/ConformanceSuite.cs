using System.Globalization;
using System.Text.Json;
using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Tests.Conformance;

/// <summary>One conformance test case from the cel-spec simple suite (JSON form).</summary>
internal sealed record ConformanceCase(string Id, JsonElement Test)
{
    public string Expr => Test.GetProperty("expr").GetString()!;

    public bool NeedsProto => Flag("needsProto");

    public bool DisableCheck => Flag("disableCheck");

    public bool CheckOnly => Flag("checkOnly");

    public bool DisableMacros => Flag("disableMacros");

    private bool Flag(string name) => Test.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}

/// <summary>Outcome of one case.</summary>
internal sealed record ConformanceOutcome(string Id, bool Passed, string Detail);

/// <summary>Loads and runs the cel-spec simple conformance tests against <see cref="CelEnvironment"/>.</summary>
internal static class ConformanceSuite
{
    /// <summary>The suite's place under ../shared, and the variable that points elsewhere.</summary>
    public const string SharedPath = "conformance/cel";

    public const string DirectoryVariable = "CEL_CONFORMANCE_DIR";

    public static List<ConformanceCase> Load(string directory)
    {
        var cases = new List<ConformanceCase>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement.Clone();
            var fileName = root.TryGetProperty("name", out var n) ? n.GetString()! : Path.GetFileNameWithoutExtension(file);
            if (!root.TryGetProperty("section", out var sections))
            {
                continue;
            }

            foreach (var section in sections.EnumerateArray())
            {
                if (!section.TryGetProperty("test", out var tests))
                {
                    continue;
                }

                var sectionName = section.GetProperty("name").GetString();
                foreach (var test in tests.EnumerateArray())
                {
                    var id = $"{fileName}/{sectionName}/{test.GetProperty("name").GetString()}";
                    seen[id] = seen.TryGetValue(id, out var count) ? count + 1 : 1;
                    if (seen[id] > 1)
                    {
                        id += $"#{seen[id]}";
                    }

                    cases.Add(new ConformanceCase(id, test));
                }
            }
        }

        return cases;
    }

    public static ConformanceOutcome Run(ConformanceCase c)
    {
        var t = c.Test;
        var variables = new Dictionary<string, CelType>(StringComparer.Ordinal);
        var functions = new List<CelFunctionDeclaration>();
        if (t.TryGetProperty("typeEnv", out var typeEnv))
        {
            foreach (var decl in typeEnv.EnumerateArray())
            {
                var name = decl.GetProperty("name").GetString()!;
                if (decl.TryGetProperty("ident", out var ident))
                {
                    variables[name] = DecodeType(ident.GetProperty("type"));
                }
                else if (decl.TryGetProperty("function", out var fn) && fn.TryGetProperty("overloads", out var overloads))
                {
                    foreach (var o in overloads.EnumerateArray())
                    {
                        var ps = o.TryGetProperty("params", out var p) ? p.EnumerateArray().Select(DecodeType).ToList() : [];
                        var isMember = o.TryGetProperty("isInstanceFunction", out var inst) && inst.ValueKind == JsonValueKind.True;
                        functions.Add(new CelFunctionDeclaration(name, o.GetProperty("overloadId").GetString()!, ps, DecodeType(o.GetProperty("resultType")), isMember));
                    }
                }
            }
        }

        var env = new CelEnvironment(new CelEnvironmentOptions
        {
            Container = t.TryGetProperty("container", out var container) ? container.GetString()! : string.Empty,
            Variables = variables,
            Functions = functions,
            TypeCheck = !c.DisableCheck,
            EnableMacros = !c.DisableMacros,
        });

        CelProgram program;
        try
        {
            program = env.Compile(c.Expr);
        }
        catch (CelCompileException e)
        {
            var expectsError = t.TryGetProperty("evalError", out _) || t.TryGetProperty("anyEvalErrors", out _);
            return new ConformanceOutcome(c.Id, expectsError, "compile error: " + e.Message);
        }

        if (t.TryGetProperty("typedResult", out var typed) && typed.TryGetProperty("deducedType", out var deduced))
        {
            var expectedType = DecodeType(deduced);
            if (program.ResultType is null || !expectedType.Equals(program.ResultType))
            {
                return new ConformanceOutcome(c.Id, false, $"deduced type {program.ResultType} but expected {expectedType}");
            }

            if (c.CheckOnly || !typed.TryGetProperty("result", out _))
            {
                return new ConformanceOutcome(c.Id, true, "type matches");
            }
        }

        if (c.CheckOnly)
        {
            return new ConformanceOutcome(c.Id, true, "checked");
        }

        var bindings = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (t.TryGetProperty("bindings", out var b))
        {
            foreach (var p in b.EnumerateObject())
            {
                bindings[p.Name] = DecodeValue(p.Value.GetProperty("value"));
            }
        }

        var result = program.Evaluate(CelActivation.FromVariables(bindings));
        if (t.TryGetProperty("evalError", out _) || t.TryGetProperty("anyEvalErrors", out _))
        {
            return result is CelError
                ? new ConformanceOutcome(c.Id, true, "error as expected")
                : new ConformanceOutcome(c.Id, false, $"expected an error, got {Describe(result)}");
        }

        CelValue expected;
        if (t.TryGetProperty("value", out var value))
        {
            expected = DecodeValue(value);
        }
        else if (t.TryGetProperty("typedResult", out var tr) && tr.TryGetProperty("result", out var trv))
        {
            expected = DecodeValue(trv);
        }
        else
        {
            expected = CelBool.True;
        }

        return StrictEquals(expected, result)
            ? new ConformanceOutcome(c.Id, true, "value matches")
            : new ConformanceOutcome(c.Id, false, $"expected {Describe(expected)}, got {Describe(result)}");
    }

    private static string Describe(CelValue v) => v is CelError e ? $"error '{e.Message}'" : $"{v.Type.Name} {CelFormatter.Display(v)}";

    /// <summary>Exact equality for expectations: kinds must match (1 and 1.0 differ), NaN equals NaN.</summary>
    public static bool StrictEquals(CelValue a, CelValue b)
    {
        if (a.Kind != b.Kind)
        {
            return false;
        }

        switch (a)
        {
            case CelDouble x:
            {
                var y = ((CelDouble)b).Value;
                return (double.IsNaN(x.Value) && double.IsNaN(y)) || x.Value.Equals(y);
            }

            case CelList l:
            {
                var m = (CelList)b;
                if (l.Count != m.Count)
                {
                    return false;
                }

                for (var i = 0; i < l.Count; i++)
                {
                    if (!StrictEquals(l[i], m[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            case CelMap ma:
            {
                var mb = (CelMap)b;
                if (ma.Count != mb.Count)
                {
                    return false;
                }

                foreach (var k in ma.Keys)
                {
                    if (!mb.TryGetValue(k, out var bv) || !ma.TryGetValue(k, out var av) || !StrictEquals(av, bv))
                    {
                        return false;
                    }
                }

                return true;
            }

            case CelTypeValue ta:
                return ta.Value.Name == ((CelTypeValue)b).Value.Name;
            default:
                return CelEquality.ValueEquals(a, b);
        }
    }

    public static CelValue DecodeValue(JsonElement v)
    {
        var p = v.EnumerateObject().First();
        var x = p.Value;
        switch (p.Name)
        {
            case "nullValue":
                return CelNull.Instance;
            case "boolValue":
                return CelBool.Of(x.GetBoolean());
            case "int64Value":
                return CelInt.Of(long.Parse(x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText(), CultureInfo.InvariantCulture));
            case "uint64Value":
                return CelUint.Of(ulong.Parse(x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText(), CultureInfo.InvariantCulture));
            case "doubleValue":
                if (x.ValueKind == JsonValueKind.String)
                {
                    return CelDouble.Of(x.GetString() switch
                    {
                        "NaN" => double.NaN,
                        "Infinity" => double.PositiveInfinity,
                        "-Infinity" => double.NegativeInfinity,
                        var s => double.Parse(s!, CultureInfo.InvariantCulture),
                    });
                }

                return CelDouble.Of(x.GetDouble());
            case "stringValue":
                return CelString.Of(x.GetString()!);
            case "bytesValue":
                return CelBytes.Of(Convert.FromBase64String(x.GetString()!));
            case "listValue":
                return new CelArrayList(x.TryGetProperty("values", out var values) ? values.EnumerateArray().Select(DecodeValue).ToArray() : []);
            case "mapValue":
            {
                var d = CelDictionaryMap.NewDictionary();
                if (x.TryGetProperty("entries", out var entries))
                {
                    foreach (var e in entries.EnumerateArray())
                    {
                        d[DecodeValue(e.GetProperty("key"))] = DecodeValue(e.GetProperty("value"));
                    }
                }

                return new CelDictionaryMap(d);
            }

            case "typeValue":
                return new CelTypeValue(TypeByName(x.GetString()!));
            default:
                throw new NotSupportedException($"value kind {p.Name} is not supported without protobuf");
        }
    }

    private static CelType TypeByName(string name) => name switch
    {
        "bool" => CelType.Bool,
        "int" => CelType.Int,
        "uint" => CelType.Uint,
        "double" => CelType.Double,
        "string" => CelType.String,
        "bytes" => CelType.Bytes,
        "list" => CelType.ListOfDyn,
        "map" => CelType.MapOfDyn,
        "null_type" => CelType.Null,
        "type" => CelType.TypeOfDyn,
        "google.protobuf.Timestamp" => CelType.Timestamp,
        "google.protobuf.Duration" => CelType.Duration,
        "optional_type" => CelType.OptionalOfDyn,
        _ => CelType.Opaque(name),
    };

    public static CelType DecodeType(JsonElement t)
    {
        var p = t.EnumerateObject().First();
        var x = p.Value;
        switch (p.Name)
        {
            case "primitive":
                return x.GetString() switch
                {
                    "BOOL" => CelType.Bool,
                    "INT64" => CelType.Int,
                    "UINT64" => CelType.Uint,
                    "DOUBLE" => CelType.Double,
                    "STRING" => CelType.String,
                    "BYTES" => CelType.Bytes,
                    var s => throw new NotSupportedException("primitive " + s),
                };
            case "listType":
                return CelType.List(x.TryGetProperty("elemType", out var et) ? DecodeType(et) : CelType.Dyn);
            case "mapType":
                return CelType.Map(DecodeType(x.GetProperty("keyType")), DecodeType(x.GetProperty("valueType")));
            case "dyn":
                return CelType.Dyn;
            case "null":
                return CelType.Null;
            case "typeParam":
                return CelType.Param(x.GetString()!);
            case "wellKnown":
                return x.GetString() switch
                {
                    "TIMESTAMP" => CelType.Timestamp,
                    "DURATION" => CelType.Duration,
                    _ => CelType.Dyn,
                };
            case "type":
                return CelType.TypeOf(DecodeType(x));
            case "abstractType":
            {
                var name = x.GetProperty("name").GetString()!;
                var ps = x.TryGetProperty("parameterTypes", out var pts) ? pts.EnumerateArray().Select(DecodeType).ToArray() : [];
                return name == "optional_type" && ps.Length == 1 ? CelType.Optional(ps[0]) : CelType.Opaque(name, ps);
            }

            case "messageType":
                return CelType.Message(x.GetString()!);
            default:
                return CelType.Dyn;
        }
    }
}
