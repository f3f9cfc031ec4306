using System.Text.Json.Nodes;
using LightFabric.Rules.Endpoints;

namespace LightFabric.Rules;

/// <summary>
/// One call's rule context, prepared once for its endpoint by <see cref="RuleEngine.Prepare"/>: the endpoint rule
/// that matched and the context with its <c>permission</c> merged in. The phases of the call (access, then response
/// filter) share it, so the context is not copied per phase. Belongs to one call; not thread-safe.
/// </summary>
public sealed class RuleCall
{
    internal RuleCall(string endpoint, EndpointMatch? match, JsonObject context)
    {
        Endpoint = endpoint;
        Match = match;
        Context = context;
    }

    public string Endpoint { get; }

    /// <summary>The <c>endpointRules</c> key that matched, or null.</summary>
    public string? EndpointKey => Match?.EndpointKey;

    /// <summary>The prepared context (the response phase adds its fields to it).</summary>
    public JsonObject Context { get; }

    /// <summary>The endpoint rule that matched, or null.</summary>
    public EndpointMatch? Match { get; }
}
