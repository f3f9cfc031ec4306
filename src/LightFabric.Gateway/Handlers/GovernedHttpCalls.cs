using LightFabric.Gateway.Security;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;

namespace LightFabric.Gateway.Handlers;

/// <summary>
/// An HTTP request as a governed call: kind http, the method, the request path (what route costs match), the caller,
/// and the decisions chain handlers made before the terminal handler (access-control).
/// </summary>
public static class GovernedHttpCalls
{
    public static CallContext Create(GatewayExchange exchange)
    {
        var http = exchange.Http;
        var call = new CallContext(CallKind.Http, http.Request.Method, exchange.Path, CallerCredential.CallerOf(http), exchange.Governance.Time.GetUtcNow())
        {
            CorrelationId = exchange.CorrelationId ?? (http.Request.Headers["X-Correlation-Id"].ToString() is { Length: > 0 } id ? id : null),
            Request = exchange,
        };
        foreach (var decision in exchange.Decisions ?? [])
        {
            call.Record(decision);
        }

        return call;
    }

    /// <summary>The receipt headers of a call the budget priced.</summary>
    public static void WriteReceipt(Microsoft.AspNetCore.Http.HttpResponse response, CallContext call)
    {
        if (call.Receipt is { } receipt)
        {
            response.Headers["X-Budget-Cost"] = receipt.Cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["X-Budget-Remaining"] = receipt.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The answer to a call a policy refused: 402 over budget, 503 when the ledger cannot be reached, 403 otherwise.</summary>
    public static Task RefuseAsync(GatewayExchange exchange, CallContext call, StepDecision denial)
    {
        var http = exchange.Http;
        if (denial.Policy != BudgetStep.Name)
        {
            return GatewayError.WriteAsync(http, Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden, "ACCESS_DENIED", "Access denied",
                $"{exchange.Endpoint} was refused by {denial.Policy}: {denial.Reason}.");
        }

        if (denial.Code == BudgetPolicy.LedgerError)
        {
            return GatewayError.WriteAsync(http, Microsoft.AspNetCore.Http.StatusCodes.Status503ServiceUnavailable, "BUDGET_UNAVAILABLE", "Budget unavailable",
                "The budget ledger cannot be reached and budget.yml failMode is closed, so calls are refused until it is back.");
        }

        http.Response.Headers["X-Budget-Cost"] = call.Cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Budget-Remaining"] = (call.Remaining ?? -1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return GatewayError.WriteAsync(http, Microsoft.AspNetCore.Http.StatusCodes.Status402PaymentRequired, "BUDGET_EXHAUSTED", BudgetStep.ExhaustedMessage,
            $"This request costs {call.Cost} credits and {Math.Max(call.Remaining ?? 0, 0)} remain in the caller's budget ({denial.Code}).");
    }
}
