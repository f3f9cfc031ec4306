using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.Governance;
using LightFabric.Governance.Audit;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Schema;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Tools;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// The tools/call sequence: resolve the tool, then the call pipeline — the access policy, the inputSchema check and the
/// chain's policies (budget) decide; the call is masked and invoked (HTTP API, MCP backend or upstream server), its
/// result filtered for the caller and checked against the outputSchema; the policies settle and the recorders (audit)
/// get the call — and one log line with the outcome.
/// </summary>
internal sealed partial class ToolCalls(
    LiveToolCatalog catalog, IToolCallPolicy? policy, HttpApiToolInvoker httpTools, McpBackendToolInvoker backendTools, UpstreamToolCalls upstreamTools,
    ILogger logger)
{
    /// <summary>Where the receipt of a charged call goes in the result's <c>_meta</c>.</summary>
    public const string ReceiptKey = "io.lightfabric/budget";

    private const string OutputSchema = "output-schema";

    private readonly RouterPipelines _pipelines = new(ToolCallSteps.For(policy));

    public async Task<JsonNode?> CallAsync(McpRequest request, CancellationToken cancellationToken)
    {
        if (request.Params is not JsonObject parameters)
        {
            throw new McpException(McpErrorCodes.InvalidParams, "tools/call needs params with a tool name");
        }

        var name = JsonFields.Text(parameters["name"]);
        if (string.IsNullOrEmpty(name))
        {
            throw new McpException(McpErrorCodes.InvalidParams, "tools/call needs params.name (a non-empty string)");
        }

        var argumentsNode = parameters["arguments"];
        if (argumentsNode is not null and not JsonObject)
        {
            throw new McpException(McpErrorCodes.InvalidParams, "tools/call params.arguments must be an object");
        }

        // The specification answers an unknown tool with invalid params.
        if (!catalog.Current.TryFind(name, out var tool))
        {
            LogToolCall(logger, name, "(no such tool)", "unknown-tool", 0, "none");
            throw new McpException(McpErrorCodes.InvalidParams, $"Unknown tool: {name}");
        }

        // Detached rather than copied: the request message is not used again.
        var input = new ToolCallPolicyInput(request, tool, ToolEndpoints.For(tool), argumentsNode as JsonObject ?? []);
        var pipeline = _pipelines.For(request.Caller.Governance);
        var call = new CallContext(CallKind.Mcp, McpMethods.ToolsCall, tool.Name, request.Caller.Governed, pipeline.Time.GetUtcNow())
        {
            RequestId = $"{request.Session.Id}\n{request.Id.ToJsonString()}",
            Request = input,
            CorrelationId = request.Headers["X-Correlation-Id"].ToString() is { Length: > 0 } correlation ? correlation : null,
            Upstream = Describe(tool.Target),
        };
        var started = Stopwatch.GetTimestamp();
        var status = "ok";
        try
        {
            var result = await pipeline.RunAsync(call, (c, ct) => InvokeAsync(c, parameters, ct), OutcomeOf, FailureOf, cancellationToken)
                .ConfigureAwait(false);
            if (call.Receipt is { } receipt && result is JsonObject answer)
            {
                var meta = answer["_meta"] as JsonObject ?? (JsonObject)(answer["_meta"] = new JsonObject());
                meta[ReceiptKey] = new JsonObject { ["cost"] = receipt.Cost, ["remaining"] = receipt.Remaining };
            }

            status = call.Outcome.Name();
            return result;
        }
        catch (CallDeniedException denied)
        {
            status = $"denied by {denied.Decision.Policy}";
            return Refusal(denied.Decision, call);
        }
        catch (AuditWriteException ex)
        {
            status = "audit record not written";
            throw AuditFailure(logger, ex);
        }
        catch (McpException ex)
        {
            status = $"error {ex.Code}";
            throw;
        }
        catch (OperationCanceledException)
        {
            status = "cancelled";
            throw;
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                LogToolCall(logger, tool.Name, call.Upstream ?? "?", status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, Policies(call));
            }
        }
    }

    private async ValueTask<JsonNode?> InvokeAsync(CallContext call, JsonObject parameters, CancellationToken cancellationToken)
    {
        var input = (ToolCallPolicyInput)call.Request!;
        var tool = input.Tool;
        var arguments = input.Arguments;
        if (tool.Target is ConfiguredToolTarget { Tool.MasksArguments: true } masking)
        {
            // What the backend receives: values the schema marks x-mask / x-mask-pattern never leave the gateway.
            arguments = ArgumentMasker.Apply(masking.Tool.InputSchema, arguments);
        }

        call.Arguments = arguments;
        parameters.Remove("arguments");
        var meta = parameters["_meta"] as JsonObject;
        parameters.Remove("_meta");
        JsonNode? result;
        try
        {
            result = tool.Target switch
            {
                ConfiguredToolTarget { Tool.Kind: ConfiguredToolKind.Http } http =>
                    await httpTools.InvokeAsync(http.Tool, arguments, input.Request.Headers, cancellationToken).ConfigureAwait(false),
                ConfiguredToolTarget backend =>
                    await backendTools.InvokeAsync(backend.Tool, arguments, input.Request.Session, cancellationToken).ConfigureAwait(false),
                UpstreamToolTarget upstream =>
                    await upstreamTools.CallAsync(upstream, arguments, meta, input.Request, cancellationToken).ConfigureAwait(false),
                _ => throw new UnreachableException(),
            };
        }
        catch (McpException ex) when (ex.NotDelivered)
        {
            call.UpstreamReceived = false;
            throw;
        }

        if (policy is not null)
        {
            var filtered = policy.FilterResult(input, result);
            if (!ReferenceEquals(filtered, result) && JsonFields.IsErrorResult(filtered) && !JsonFields.IsErrorResult(result))
            {
                call.Record(new StepDecision(ToolCallSteps.AccessControl, true, "filter-refused", policy.Mode, "response_filter_refused",
                    "the response filter refused the result"));
            }

            result = filtered;
        }

        if (tool.Target is ConfiguredToolTarget { Tool.OutputSchema: not null } withOutput)
        {
            // What the caller receives must match the advertised outputSchema (clients validate it too), so the check runs
            // on the filtered result.
            var checkedResult = ToolSchemaChecks.CheckResult(withOutput.Tool, result);
            if (!ReferenceEquals(checkedResult, result))
            {
                call.Record(new StepDecision(OutputSchema, true, "refused", EnforcementMode.Control, "output_mismatch", "the result does not match its outputSchema"));
            }

            result = checkedResult;
        }

        return result;
    }

    // The call reached the tool and the tool reported a failure: not "ok" to whoever reads the log or the audit trail.
    private static CallOutcome OutcomeOf(JsonNode? result) => JsonFields.IsErrorResult(result) ? CallOutcome.ToolError : CallOutcome.Ok;

    private static CallOutcome FailureOf(Exception ex) => ex switch
    {
        McpException { TimedOut: true } => CallOutcome.Timeout,
        OperationCanceledException => CallOutcome.Cancelled,
        _ => CallOutcome.UpstreamError,
    };

    /// <summary>
    /// What the caller gets for a refused call: invalid arguments are a tool error result with the schema errors; a
    /// budget refusal is -32000 "Budget exhausted" with SatGate's data; an access refusal is -32001. Nothing reached the
    /// backend.
    /// </summary>
    private JsonNode? Refusal(StepDecision decision, CallContext call)
    {
        switch (decision.Policy)
        {
            case ToolCallSteps.InputSchema:
                logger.LogInformation("tools/call {Tool} rejected: the arguments do not match its inputSchema", call.Target);
                return (JsonNode?)decision.Detail;
            case BudgetStep.Name:
                logger.LogInformation("tools/call {Tool} refused by the budget: {Code} (cost {Cost}, remaining {Remaining})",
                    call.Target, decision.Code, call.Cost, call.Remaining);
                throw new McpException(McpErrorCodes.ExecutionFailed, BudgetStep.ExhaustedMessage, new JsonObject
                {
                    ["error"] = decision.Code,
                    ["tool"] = call.Target,
                    ["cost_credits"] = call.Cost,
                    ["remaining_credits"] = call.Remaining ?? -1,
                    ["token_id"] = call.Caller.TokenId,
                });
            default:
                logger.LogInformation("tools/call {Tool} denied: {Outcome}", call.Target, decision.Code);
                throw new McpException(McpErrorCodes.AccessDenied, decision.Reason ?? "Access denied", decision.Detail as JsonNode);
        }
    }

    /// <summary>Strict audit: a call whose record cannot be made durable is not answered with its result.</summary>
    public static McpException AuditFailure(ILogger logger, AuditWriteException ex)
    {
        logger.LogError("The audit record of an MCP call could not be written ({Path}): {Message}; the answer is withheld (audit.yml durability strict)",
            ex.Path, ex.Message);
        return new McpException(McpErrorCodes.InternalError,
            "The audit trail cannot be written and audit.yml durability is strict, so this answer is withheld; the gateway log has the reason");
    }

    private static string Policies(CallContext call)
    {
        // A passed inputSchema check says nothing worth a log line.
        var text = string.Join(", ", call.Decisions
            .Where(d => d.Policy != ToolCallSteps.InputSchema || !d.Allowed || d.Decision != StepDecision.AllowedDecision)
            .Select(d => d.Reason is { } reason && d.Allowed && d.Decision == StepDecision.AllowedDecision ? $"{d.Policy}: {reason}" : $"{d.Policy}: {d.Decision}"));
        return text.Length == 0 ? "none" : text;
    }

    private static string Describe(ToolTarget target) => target switch
    {
        ConfiguredToolTarget configured => $"{configured.Tool.Method} {configured.Tool.TargetHost.ToString().TrimEnd('/')}{configured.Tool.Path}",
        UpstreamToolTarget upstream => $"{upstream.Server}/{upstream.ToolName}",
        _ => "?",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "tools/call {Tool} → {Target} {Status} in {Elapsed:0.0} ms, policy: {Policy}")]
    private static partial void LogToolCall(ILogger logger, string tool, string target, string status, double elapsed, string policy);
}
