using LightFabric.Gateway.Handlers;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Chains;

/// <summary>Runs the chain that handler.yml selects for a request.</summary>
public static class GatewayRequestDispatcher
{
    public static async Task DispatchAsync(HttpContext context, GatewayModel model)
    {
        var request = context.Request;
        var chain = model.Resolve(request.Method, request.Path.Value ?? "/");
        var exchange = new GatewayExchange(context, chain.Path, chain.Endpoint, chain.PathParameters) { Governance = chain.Governance };
        var faulted = true;
        try
        {
            await RunChainAsync(exchange, chain.Handlers).ConfigureAwait(false);
            faulted = false;
        }
        catch (Exception ex) when (ClientFaults.Of(ex, context) is { } fault)
        {
            // A bad body or a client gone mid-request, from whichever handler read it: one rate-limited warning, no stack.
            model.ClientFaults.Report(fault, request.Method, request.Path.Value ?? "/", ex.Message);
            if (ex is BadHttpRequestException bad && !context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                // The body's framing broke, so nothing after it on this connection can be trusted (RFC 9112 §6.3):
                // answer and close, rather than let Kestrel read on from a half-consumed body.
                context.Response.Headers.Connection = "close";
                await GatewayError.WriteAsync(context, bad.StatusCode, "INVALID_REQUEST_BODY", "Invalid request body", bad.Message).ConfigureAwait(false);
            }
        }
        finally
        {
            if (exchange.HasAfterChainSteps)
            {
                await exchange.RunAfterChainAsync(faulted).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunChainAsync(GatewayExchange exchange, IGatewayHandler[] handlers)
    {
        foreach (var handler in handlers)
        {
            if (await handler.InvokeAsync(exchange).ConfigureAwait(false) == HandlerOutcome.Completed)
            {
                return;
            }
        }

        var request = exchange.Http.Request;
        await GatewayError.WriteAsync(exchange.Http, StatusCodes.Status404NotFound, "NOT_FOUND", "Not found",
            handlers.Length == 0
                ? $"No handler chain is configured for {request.Method} {request.Path}."
                : $"The handler chain for {request.Method} {request.Path} has no handler that answers requests.")
            .ConfigureAwait(false);
    }
}
