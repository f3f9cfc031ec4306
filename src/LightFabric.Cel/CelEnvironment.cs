using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;
using LightFabric.Cel.Parsing;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel;

/// <summary>Settings of an environment: the profile, the container for name resolution and optional declarations.</summary>
public sealed record CelEnvironmentOptions
{
    public CelProfile Profile { get; init; } = CelProfile.InternalAdmin;

    /// <summary>Namespace for resolving names (e.g. <c>a.b</c>: <c>x</c> resolves to <c>a.b.x</c>, <c>a.x</c>, then <c>x</c>).</summary>
    public string Container { get; init; } = string.Empty;

    /// <summary>Declared variables with their types, for the type checker.</summary>
    public IReadOnlyDictionary<string, CelType> Variables { get; init; } = new Dictionary<string, CelType>();

    /// <summary>Type-check expressions before planning (declared variables are required for references to resolve).</summary>
    public bool TypeCheck { get; init; }

    /// <summary>Expand macros (<c>has</c>, <c>all</c>, <c>map</c>, ...); when false they parse as plain calls.</summary>
    public bool EnableMacros { get; init; } = true;

    /// <summary>Extra function declarations (signatures only) for the checker.</summary>
    public IReadOnlyList<CelFunctionDeclaration> Functions { get; init; } = [];
}

/// <summary>A declared function signature, for type checking calls to host-provided functions.</summary>
public sealed record CelFunctionDeclaration(string Name, string OverloadId, IReadOnlyList<CelType> Parameters, CelType Result, bool IsMember = false);

/// <summary>
/// Compiles CEL expressions. An environment is immutable and thread-safe; compiled programs can be cached and
/// evaluated concurrently.
/// </summary>
public sealed class CelEnvironment
{
    private static readonly Lazy<FunctionRegistry> SharedLibrary = new(CreateLibrary);

    private readonly FunctionRegistry _functions;

    public CelEnvironment(CelEnvironmentOptions? options = null)
    {
        Options = options ?? new CelEnvironmentOptions();
        if (Options.Functions.Count == 0)
        {
            _functions = SharedLibrary.Value;
        }
        else
        {
            _functions = CreateLibrary();
            foreach (var f in Options.Functions)
            {
                _functions.Declare(f.Name, f.OverloadId, f.IsMember, f.Parameters.ToArray(), f.Result);
            }
        }
    }

    public CelEnvironmentOptions Options { get; }

    public CelProfile Profile => Options.Profile;

    internal FunctionRegistry Functions => _functions;

    public static CelEnvironment ForProfile(CelProfile profile) => new(new CelEnvironmentOptions { Profile = profile });

    /// <summary>Parses, optionally checks, validates against the profile and plans <paramref name="expression"/>.</summary>
    /// <exception cref="CelCompileException">The expression is invalid or breaks the profile's rules or limits.</exception>
    public CelProgram Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var profile = Options.Profile;
        var parserOptions = new ParserOptions
        {
            MaxExpressionBytes = profile.MaxExpressionBytes,
            MaxNodes = profile.MaxAstNodes,
            MaxDepth = profile.MaxDepth,
            MaxComprehensionNesting = profile.MaxComprehensionNesting,
            EnableMacros = Options.EnableMacros,
        };

        Expr ast;
        try
        {
            ast = Parser.Parse(expression, parserOptions);
        }
        catch (ParseError e)
        {
            throw new CelCompileException(expression, [CelIssue.At(expression, e.Offset, e.Message)]);
        }

        var issues = ProfileValidator.Validate(ast, profile, _functions);
        if (issues.Count > 0)
        {
            throw new CelCompileException(expression, issues.Select(i => CelIssue.At(expression, i.Offset, i.Message)).ToList());
        }

        CelType? resultType = null;
        if (Options.TypeCheck)
        {
            var checker = new Checker(_functions, Options.Variables, Options.Container);
            var result = checker.Check(ast);
            if (result.Errors.Count > 0)
            {
                throw new CelCompileException(expression, result.Errors.Select(i => CelIssue.At(expression, i.Offset, i.Message)).ToList());
            }

            resultType = result.Type;
        }

        var planner = new Planner(_functions, Options.Container);
        var root = planner.Plan(ast);
        var limits = new EvaluationLimits
        {
            MaxSteps = profile.MaxSteps,
            MaxStringLength = profile.MaxStringBytes,
            MaxCollectionItems = profile.MaxCollectionItems,
        };
        return new CelProgram(expression, root, planner.SlotCount, limits, profile, resultType);
    }

    /// <summary>Parses and type-checks only, returning the deduced result type.</summary>
    public CelType Check(string expression)
    {
        Expr ast;
        try
        {
            ast = Parser.Parse(expression, ParserOptions.Default);
        }
        catch (ParseError e)
        {
            throw new CelCompileException(expression, [CelIssue.At(expression, e.Offset, e.Message)]);
        }

        var result = new Checker(_functions, Options.Variables, Options.Container).Check(ast);
        if (result.Errors.Count > 0)
        {
            throw new CelCompileException(expression, result.Errors.Select(i => CelIssue.At(expression, i.Offset, i.Message)).ToList());
        }

        return result.Type;
    }

    private static FunctionRegistry CreateLibrary()
    {
        var r = new FunctionRegistry();
        StandardLibrary.Register(r);
        StringsExtension.Register(r);
        MathExtension.Register(r);
        CollectionsExtension.Register(r);
        OptionalsLibrary.Register(r);
        NetworkExtension.Register(r);
        RuleHelpers.Register(r);
        return r;
    }
}
