using System.Text.Json.Nodes;
using LightFabric.Governance;
using LightFabric.Governance.Calls;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Schema;

namespace LightFabric.Mcp.Routing;

/// <summary>The router's own policies as steps of the call pipeline: the access policy (light-rule), then the inputSchema check.</summary>
internal static class ToolCallSteps
{
    public const string AccessControl = "access-control";
    public const string InputSchema = "input-schema";

    public static ICallStep[] For(IToolCallPolicy? policy) =>
        policy is null ? [InputSchemaStep.Instance] : [new AccessStep(policy), InputSchemaStep.Instance];

    /// <summary>The access policy's verdict as the pipeline's decision (a refusal is -32001 with the verdict's data).</summary>
    public static StepDecision DecisionOf(PolicyVerdict verdict, EnforcementMode mode) => verdict.Allowed
        ? StepDecision.Allow(AccessControl, mode, verdict.Outcome)
        : StepDecision.Deny(AccessControl, verdict.Outcome, verdict.Reason ?? "Access denied", verdict.Data, mode);

    /// <summary>Who may call the tool: a refusal is -32001 (in observe mode, would-deny and the call goes on).</summary>
    private sealed class AccessStep(IToolCallPolicy policy) : ICallStep
    {
        public string Policy => AccessControl;

        public ValueTask<StepDecision> EnterAsync(CallContext call, CancellationToken cancellationToken)
        {
            return ValueTask.FromResult(DecisionOf(policy.Authorize((ToolCallPolicyInput)call.Request!), policy.Mode));
        }

        public ValueTask LeaveAsync(CallContext call, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>
    /// A configured tool's arguments against its inputSchema: invalid arguments are answered with the schema errors as a
    /// tool error result, and nothing reaches the backend. Upstream servers validate their own.
    /// </summary>
    private sealed class InputSchemaStep : ICallStep
    {
        public static readonly InputSchemaStep Instance = new();

        public string Policy => InputSchema;

        public ValueTask<StepDecision> EnterAsync(CallContext call, CancellationToken cancellationToken)
        {
            var input = (ToolCallPolicyInput)call.Request!;
            return ValueTask.FromResult(input.Tool.Target is ConfiguredToolTarget configured
                && ToolSchemaChecks.CheckArguments(configured.Tool, input.Arguments) is JsonNode invalid
                ? StepDecision.Deny(InputSchema, "invalid_arguments", "the arguments do not match its inputSchema", invalid)
                : StepDecision.Allow(InputSchema));
        }

        public ValueTask LeaveAsync(CallContext call, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
