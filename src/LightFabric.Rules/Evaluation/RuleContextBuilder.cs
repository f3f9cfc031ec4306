using System.Text.Json.Nodes;

namespace LightFabric.Rules.Evaluation;

/// <summary>
/// Builds the object rule conditions see: <c>auditInfo.subject_claims.ClaimsMap</c> (claims), <c>headers</c>
/// (lower-cased, credentials withheld), <c>endpoint</c>, <c>toolName</c>, <c>toolArguments</c>, <c>correlationId</c>.
/// The engine adds <c>permission</c> (and its keys at the root) per endpoint, and the response fields per phase.
/// </summary>
public sealed class RuleContextBuilder
{
    /// <summary>Headers never exposed to rules (credentials).</summary>
    public static readonly IReadOnlySet<string> WithheldHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-scope-token",
    };

    private readonly JsonObject _claims = [];
    private readonly JsonObject _headers = [];
    private string? _endpoint;
    private string? _toolName;
    private JsonNode? _arguments;
    private string? _correlationId;
    private readonly JsonObject _extra = [];
    private bool _built;

    /// <summary>Adds JWT claims (copied).</summary>
    public RuleContextBuilder WithClaims(JsonObject? claims)
    {
        if (claims is not null)
        {
            foreach (var (k, v) in claims)
            {
                _claims[k] = v?.DeepClone();
            }
        }

        return this;
    }

    public RuleContextBuilder WithClaim(string name, JsonNode? value)
    {
        _claims[name] = value;
        return this;
    }

    /// <summary>Adds request headers: names lower-cased, repeated values joined with ", ", credential headers dropped.</summary>
    public RuleContextBuilder WithHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            var key = name.ToLowerInvariant();
            if (WithheldHeaders.Contains(key))
            {
                continue;
            }

            _headers[key] = _headers[key] is JsonValue existing ? existing.GetValue<string>() + ", " + value : value;
        }

        return this;
    }

    public RuleContextBuilder WithEndpoint(string endpoint)
    {
        _endpoint = endpoint;
        return this;
    }

    public RuleContextBuilder WithTool(string toolName, JsonNode? arguments)
    {
        _toolName = toolName;
        _arguments = arguments?.DeepClone();
        return this;
    }

    /// <summary>The call's arguments without a tool name (HTTP routes: path and query parameters).</summary>
    public RuleContextBuilder WithArguments(JsonNode? arguments)
    {
        _arguments = arguments?.DeepClone();
        return this;
    }

    public RuleContextBuilder WithCorrelationId(string? correlationId)
    {
        _correlationId = correlationId;
        return this;
    }

    /// <summary>Adds another root field (reserved names are refused).</summary>
    public RuleContextBuilder With(string name, JsonNode? value)
    {
        if (RuleContextKeys.Reserved.Contains(name))
        {
            throw new ArgumentException($"'{name}' is a reserved rule-context field", nameof(name));
        }

        _extra[name] = value;
        return this;
    }

    /// <summary>
    /// The context. The first one takes the builder's own copies of claims, headers and arguments (no second copy per
    /// call); building again gives fresh copies.
    /// </summary>
    public JsonObject Build()
    {
        var first = !_built;
        _built = true;
        JsonNode? Take(JsonNode? node) => first && node is { Parent: null } ? node : node?.DeepClone();

        var audit = new JsonObject { ["subject_claims"] = new JsonObject { ["ClaimsMap"] = Take(_claims) } };
        if (_correlationId is not null)
        {
            audit["correlationId"] = _correlationId;
        }

        var context = new JsonObject
        {
            ["auditInfo"] = audit,
            ["headers"] = Take(_headers),
        };
        if (_endpoint is not null)
        {
            context["endpoint"] = _endpoint;
        }

        if (_toolName is not null)
        {
            context["toolName"] = _toolName;
        }

        context["toolArguments"] = Take(_arguments) ?? new JsonObject();
        if (_correlationId is not null)
        {
            context["correlationId"] = _correlationId;
        }

        foreach (var (k, v) in _extra)
        {
            context[k] = v?.DeepClone();
        }

        return context;
    }
}

/// <summary>The root fields the engine owns; endpoint permission keys never overwrite them.</summary>
public static class RuleContextKeys
{
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "auditInfo", "headers", "endpoint", "toolName", "toolArguments", "correlationId", "permission",
        "responseBody", "responseBodyJson", "statusCode", "accessControl", "context",
    };
}
