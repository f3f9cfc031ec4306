using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Schema;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Tools;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// The tools/call sequence: resolve the tool, check its arguments against the inputSchema, ask the policy, mask,
/// invoke (HTTP API, MCP backend or upstream server), filter the result for the caller, check it against the
/// outputSchema, and log one line with the outcome.
/// </summary>
internal sealed partial class ToolCalls(
    LiveToolCatalog catalog, IToolCallPolicy? policy, HttpApiToolInvoker httpTools, McpBackendToolInvoker backendTools, UpstreamToolCalls upstreamTools,
    ILogger logger)
{
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
        var arguments = argumentsNode as JsonObject ?? [];
        var policyInput = policy is null ? null : new ToolCallPolicyInput(request, tool, ToolEndpoints.For(tool), arguments);
        if (tool.Target is ConfiguredToolTarget checkedTool && ToolSchemaChecks.CheckArguments(checkedTool.Tool, arguments) is { } invalid)
        {
            // Validated before the rules and masking, so rules see valid arguments; nothing reaches the backend. A caller
            // the rules deny gets the denial, not the schema errors: what a tool expects is not told to whoever may not
            // call it. Upstream servers validate their own.
            if (policyInput is not null)
            {
                EnsureAllowed(tool, policyInput);
            }

            logger.LogInformation("tools/call {Tool} rejected: the arguments do not match its inputSchema", tool.Name);
            return invalid;
        }

        var policyOutcome = policyInput is null ? "none" : EnsureAllowed(tool, policyInput);

        if (tool.Target is ConfiguredToolTarget { Tool.MasksArguments: true } masking)
        {
            // What the backend receives: values the schema marks x-mask / x-mask-pattern never leave the gateway.
            arguments = ArgumentMasker.Apply(masking.Tool.InputSchema, arguments);
        }

        parameters.Remove("arguments");
        var meta = parameters["_meta"] as JsonObject;
        parameters.Remove("_meta");
        var started = Stopwatch.GetTimestamp();
        var status = "ok";
        try
        {
            var result = tool.Target switch
            {
                ConfiguredToolTarget { Tool.Kind: ConfiguredToolKind.Http } http =>
                    await httpTools.InvokeAsync(http.Tool, arguments, request.Headers, cancellationToken).ConfigureAwait(false),
                ConfiguredToolTarget backend =>
                    await backendTools.InvokeAsync(backend.Tool, arguments, request.Session, cancellationToken).ConfigureAwait(false),
                UpstreamToolTarget upstream =>
                    await upstreamTools.CallAsync(upstream, arguments, meta, request, cancellationToken).ConfigureAwait(false),
                _ => throw new UnreachableException(),
            };

            if (policyInput is not null)
            {
                var filtered = policy!.FilterResult(policyInput, result);
                if (!ReferenceEquals(filtered, result) && JsonFields.IsErrorResult(filtered) && !JsonFields.IsErrorResult(result))
                {
                    policyOutcome += ", response filter refused the result";
                }

                result = filtered;
            }

            if (tool.Target is ConfiguredToolTarget { Tool.OutputSchema: not null } withOutput)
            {
                // What the caller receives must match the advertised outputSchema (clients validate it too), so the
                // check runs on the filtered result.
                var checkedResult = ToolSchemaChecks.CheckResult(withOutput.Tool, result);
                status = ReferenceEquals(checkedResult, result) ? status : "output does not match outputSchema";
                result = checkedResult;
            }

            // The call reached the tool and the tool reported a failure: not "ok" to whoever reads the log.
            if (status == "ok" && JsonFields.IsErrorResult(result))
            {
                status = "tool-error";
            }

            return result;
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
                LogToolCall(logger, tool.Name, Describe(tool.Target), status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, policyOutcome);
            }
        }
    }

    /// <summary>The policy's verdict for an allowed call; a denied call throws -32001 (and reaches nothing behind the gateway).</summary>
    private string EnsureAllowed(CatalogTool tool, ToolCallPolicyInput policyInput)
    {
        var verdict = policy!.Authorize(policyInput);
        if (!verdict.Allowed)
        {
            logger.LogInformation("tools/call {Tool} denied: {Outcome}", tool.Name, verdict.Outcome);
            throw new McpException(McpErrorCodes.AccessDenied, verdict.Reason ?? "Access denied", verdict.Data);
        }

        return verdict.Outcome;
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
