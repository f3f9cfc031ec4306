using System.Text.Json.Nodes;
using LightFabric.Governance.Calls;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Routing;

/// <summary>A relayed request as a policy sees it: what it names, its endpoint and its arguments.</summary>
/// <param name="Name">The resource URI or the public prompt name.</param>
/// <param name="Endpoint"><c>{uri}@read</c> for resources/read and subscribe, <c>{name}@get</c> for prompts/get; a completion is
/// governed by the endpoint of what it completes.</param>
public sealed record RelayedCallInput(McpRequest Request, string Name, string Endpoint, JsonObject Arguments);

/// <summary>
/// resources/read, resources/subscribe, prompts/get and completion/complete as governed calls: the access policy and
/// the chain's policies decide before the request is relayed (an access refusal is -32001; these calls cost nothing),
/// and the chain's recorders get each one.
/// </summary>
internal sealed class RelayedCalls(IToolCallPolicy? policy, Microsoft.Extensions.Logging.ILogger logger)
{
    private readonly RouterPipelines _pipelines = new(policy is null ? [] : [new AccessStep(policy)]);

    public async Task<JsonNode?> GovernAsync(McpRequest request, Func<CancellationToken, Task<JsonNode?>> relay, CancellationToken cancellationToken)
    {
        // Malformed params are the relay's to refuse (-32602), as before.
        if ((policy is null && request.Caller.Governance.IsEmpty) || InputOf(request) is not { } input)
        {
            return await relay(cancellationToken).ConfigureAwait(false);
        }

        var pipeline = _pipelines.For(request.Caller.Governance);
        var call = new CallContext(CallKind.Mcp, request.Method, input.Name, request.Caller.Governed, pipeline.Time.GetUtcNow())
        {
            Request = input,
            CorrelationId = request.Headers["X-Correlation-Id"].ToString() is { Length: > 0 } correlation ? correlation : null,
            Arguments = input.Arguments,
        };
        try
        {
            return await pipeline.RunAsync(call, async (_, ct) => await relay(ct).ConfigureAwait(false), _ => CallOutcome.Ok,
                ex => ex is OperationCanceledException ? CallOutcome.Cancelled : CallOutcome.UpstreamError, cancellationToken).ConfigureAwait(false);
        }
        catch (CallDeniedException denied)
        {
            throw new McpException(McpErrorCodes.AccessDenied, denied.Decision.Reason ?? "Access denied", denied.Decision.Detail as JsonNode);
        }
        catch (LightFabric.Governance.Audit.AuditWriteException ex)
        {
            throw ToolCalls.AuditFailure(logger, ex);
        }
    }

    private static RelayedCallInput? InputOf(McpRequest request)
    {
        if (request.Params is not JsonObject parameters)
        {
            return null;
        }

        switch (request.Method)
        {
            case McpMethods.ResourcesRead or McpMethods.ResourcesSubscribe when JsonFields.Text(parameters["uri"]) is { Length: > 0 } uri:
                return new RelayedCallInput(request, uri, $"{uri}@read", new JsonObject { ["uri"] = uri });
            case McpMethods.PromptsGet when JsonFields.Text(parameters["name"]) is { Length: > 0 } name:
                return new RelayedCallInput(request, name, $"{name}@get", parameters["arguments"]?.DeepClone() as JsonObject ?? []);
            case McpMethods.Complete when parameters["ref"] is JsonObject reference:
                var argument = parameters["argument"]?.DeepClone() as JsonObject ?? [];
                return JsonFields.Text(reference["type"]) switch
                {
                    "ref/prompt" when JsonFields.Text(reference["name"]) is { Length: > 0 } prompt => new RelayedCallInput(request, prompt, $"{prompt}@get", argument),
                    "ref/resource" when JsonFields.Text(reference["uri"]) is { Length: > 0 } uri => new RelayedCallInput(request, uri, $"{uri}@read", argument),
                    _ => null,
                };
            default:
                return null;
        }
    }

    private sealed class AccessStep(IToolCallPolicy policy) : ICallStep
    {
        public string Policy => ToolCallSteps.AccessControl;

        public ValueTask<StepDecision> EnterAsync(CallContext call, CancellationToken cancellationToken)
        {
            return ValueTask.FromResult(ToolCallSteps.DecisionOf(policy.AuthorizeRelayed((RelayedCallInput)call.Request!), policy.Mode));
        }

        public ValueTask LeaveAsync(CallContext call, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
