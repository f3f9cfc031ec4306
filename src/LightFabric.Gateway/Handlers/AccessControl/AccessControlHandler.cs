using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Governance;
using LightFabric.Governance.Calls;
using LightFabric.Rules;
using LightFabric.Rules.Evaluation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>
/// light-rule for HTTP routes (handler id <c>access-control</c>): the route's <c>req-acc</c> rules decide before
/// the terminal handler (proxy, …) runs — 403 otherwise, and nothing reaches the backend — and its <c>res-fil</c>
/// rules filter the JSON answer, which is buffered for that (up to <c>maxResponseFilterBytes</c>). The endpoint key
/// is the handler.yml path template and the lower-case method (<c>/v1/accounts/{id}@get</c>); rules see path and
/// query parameters as <c>toolArguments</c>. A filter that cannot run refuses the answer rather than pass it
/// unfiltered.
/// </summary>
public sealed class AccessControlHandler(AccessControlRuntime? runtime, ILogger logger) : IGatewayHandler
{
    public static readonly HandlerDescriptor Descriptor = new("access-control", [], "access-control", Create) { Keys = ConfigKeys.For<AccessControlConfig>() };

    // Representation headers of the terminal handler's answer that no longer describe a filtered or refused body.
    private static readonly string[] BodyHeaders =
        ["Content-Length", "Content-Type", "Content-Encoding", "Content-MD5", "Content-Range", "ETag", "Content-Disposition"];

    private const string Policy = "access-control";

    public string Id => "access-control";

    private static IGatewayHandler Create(HandlerBuildContext context)
    {
        var logger = context.LoggerFactory.CreateLogger("LightFabric.Gateway.AccessControl");
        var runtime = AccessControlRuntime.Load(context);
        if (runtime is null && context.Config is not null)
        {
            logger.LogWarning("access-control is in a handler chain but access-control.yml has enabled: false; HTTP requests pass without rule checks");
        }

        return new AccessControlHandler(runtime, logger);
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (runtime is null || runtime.Settings.SkipPathPrefixes.Any(prefix => PathPrefix.Matches(prefix, exchange.Path)))
        {
            return HandlerOutcome.Continue;
        }

        var http = exchange.Http;
        var call = RuleEngine.Prepare(runtime.Rules, exchange.Endpoint, AccessControlRuntime.ContextFor(http, exchange.Endpoint)
            .WithArguments(Arguments(exchange))
            .Build(), owned: true);
        var settings = runtime.Settings;
        var decision = RuleEngine.Authorize(runtime.Rules, call, settings.Logic, settings.DefaultDeny);
        if (!decision.Allowed)
        {
            var description = decision.Code is RuleDecisionCode.NoEndpointRule or RuleDecisionCode.NoAccessRules
                ? $"Access denied: no access control rule defined for {exchange.Endpoint}."
                : $"Access denied by access control rule {decision.RuleId} for {exchange.Endpoint} ({decision.ReasonCode}).";
            var denial = StepDecision.Deny(Policy, decision.ReasonCode, description, mode: settings.Mode);
            if (settings.Mode == EnforcementMode.Observe)
            {
                // Observe: the request goes on; the log and the audit record say control would have refused it.
                logger.LogInformation("access would be denied for {Endpoint} (access-control mode observe): {ReasonCode} {RuleId} {Reason}",
                    exchange.Endpoint, decision.ReasonCode, decision.RuleId, decision.Reason);
                exchange.Record(denial.Observed());
            }
            else
            {
                logger.LogInformation("access denied for {Endpoint}: {ReasonCode} {RuleId} {Reason}",
                    exchange.Endpoint, decision.ReasonCode, decision.RuleId, decision.Reason);
                await RecordRefusalAsync(exchange, denial).ConfigureAwait(false);
                await GatewayError.WriteAsync(http, StatusCodes.Status403Forbidden, "ACCESS_DENIED", "Access denied", description)
                    .ConfigureAwait(false);
                return HandlerOutcome.Completed;
            }
        }
        else
        {
            logger.LogDebug("access allowed for {Endpoint} by {RuleId} ({ReasonCode})", exchange.Endpoint, decision.RuleId, decision.ReasonCode);
            exchange.Record(StepDecision.Allow(Policy, settings.Mode, decision.RuleId ?? decision.ReasonCode));
        }

        if (RuleEngine.HasResponseFilters(runtime.Rules, call))
        {
            BufferResponse(exchange, call);
        }

        return HandlerOutcome.Continue;
    }

    /// <summary>A refused request of a governed chain is a governed call too: the recorders (audit) get it.</summary>
    private static async ValueTask RecordRefusalAsync(GatewayExchange exchange, StepDecision denial)
    {
        if (exchange.Governance.IsEmpty)
        {
            return;
        }

        var call = GovernedHttpCalls.Create(exchange);
        call.Record(denial);
        call.Outcome = CallOutcome.Denied;
        call.UpstreamReceived = false;
        await exchange.Governance.RecordAsync(call).ConfigureAwait(false);
    }

    /// <summary>Path parameters and query parameters (a repeated one as a list); a path parameter wins a name clash.</summary>
    private static JsonObject Arguments(GatewayExchange exchange)
    {
        var arguments = new JsonObject();
        foreach (var (name, values) in exchange.Http.Request.Query)
        {
            arguments[name] = values.Count == 1 ? values[0] : new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
        }

        foreach (var (name, value) in exchange.PathParameters)
        {
            arguments[name] = value;
        }

        return arguments;
    }

    private void BufferResponse(GatewayExchange exchange, RuleCall call)
    {
        var response = exchange.Http.Response;
        var original = response.Body;
        var buffer = new ResponseBuffer(runtime!.Settings.MaxResponseFilterBytes);
        response.Body = buffer;

        // A compressed answer could not be filtered; ask the backend for the identity encoding.
        exchange.Http.Request.Headers.Remove("Accept-Encoding");
        exchange.AfterChain(async (ex, faulted) =>
        {
            ex.Http.Response.Body = original;
            using (buffer)
            {
                // An aborted exchange (client gone, or the terminal handler broke the connection because its backend
                // failed mid-answer) has nobody to answer and possibly half an answer: nothing is sent.
                if (!faulted && !ex.Http.RequestAborted.IsCancellationRequested)
                {
                    await FilterAsync(ex, call, buffer).ConfigureAwait(false);
                }
            }
        });
    }

    private async ValueTask FilterAsync(GatewayExchange exchange, RuleCall call, ResponseBuffer buffer)
    {
        var http = exchange.Http;
        var response = http.Response;
        if (buffer.Overflowed)
        {
            await RefuseAsync(exchange, StatusCodes.Status502BadGateway, "RESPONSE_TOO_LARGE_TO_FILTER", "Response too large to filter",
                $"The answer of {exchange.Endpoint} exceeds access-control.yml maxResponseFilterBytes ({runtime!.Settings.MaxResponseFilterBytes}); its res-fil rules cannot run, so it is not returned.").ConfigureAwait(false);
            return;
        }

        if (response.StatusCode is < 200 or > 299 || buffer.Length == 0)
        {
            // Errors and empty answers carry no rows or columns to filter.
            await response.Body.WriteAsync(buffer.Data).ConfigureAwait(false);
            return;
        }

        var encoding = response.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(exchange, StatusCodes.Status502BadGateway, "RESPONSE_NOT_FILTERABLE", "Response cannot be filtered",
                $"The answer of {exchange.Endpoint} is {encoding}-encoded; its res-fil rules need the plain JSON body, so it is not returned.").ConfigureAwait(false);
            return;
        }

        if (!IsJson(response.ContentType))
        {
            await RefuseAsync(exchange, StatusCodes.Status502BadGateway, "RESPONSE_NOT_FILTERABLE", "Response cannot be filtered",
                $"The answer of {exchange.Endpoint} is '{response.ContentType}', not JSON; its res-fil rules cannot run, so it is not returned.").ConfigureAwait(false);
            return;
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(buffer.Data.Span);
        }
        catch (JsonException ex)
        {
            await RefuseAsync(exchange, StatusCodes.Status502BadGateway, "RESPONSE_NOT_FILTERABLE", "Response cannot be filtered",
                $"The answer of {exchange.Endpoint} is not valid JSON ({ex.Message}); its res-fil rules cannot run, so it is not returned.").ConfigureAwait(false);
            return;
        }

        var settings = runtime!.Settings;
        var filtered = RuleEngine.FilterResponse(runtime.Rules, call, body, response.StatusCode, settings.DefaultInclude);
        if (!filtered.Succeeded)
        {
            logger.LogInformation("response filter refused the answer of {Endpoint}: {Reason}", exchange.Endpoint, filtered.Reason);
            var denied = filtered.Outcomes.Count > 0 && filtered.Outcomes[^1].Code == RuleOutcomeCode.ActionDenied;
            await (denied
                ? RefuseAsync(exchange, StatusCodes.Status403Forbidden, "ACCESS_DENIED", "Access denied",
                    $"Access denied by response filter rule {filtered.RuleId} for {exchange.Endpoint}.")
                : RefuseAsync(exchange, StatusCodes.Status500InternalServerError, "RESPONSE_FILTER_FAILED", "Response filter failed",
                    $"Response filter rule {filtered.RuleId} for {exchange.Endpoint} could not be evaluated; the answer is not returned. The gateway log has the reason.")).ConfigureAwait(false);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(filtered.Response?.ToJsonString() ?? "null");
        response.Headers.Remove("ETag");
        response.Headers.Remove("Content-MD5");
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    private static Task RefuseAsync(GatewayExchange exchange, int status, string code, string message, string description)
    {
        foreach (var header in BodyHeaders)
        {
            exchange.Http.Response.Headers.Remove(header);
        }

        return GatewayError.WriteAsync(exchange.Http, status, code, message, description);
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
