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
        var exchange = new GatewayExchange(context, chain.Path, chain.Endpoint, chain.PathParameters);
        foreach (var handler in chain.Handlers)
        {
            if (await handler.InvokeAsync(exchange).ConfigureAwait(false) == HandlerOutcome.Completed)
            {
                return;
            }
        }

        await GatewayError.WriteAsync(context, StatusCodes.Status404NotFound, "NOT_FOUND", "Not found",
            chain.Handlers.Length == 0
                ? $"No handler chain is configured for {request.Method} {request.Path}."
                : $"The handler chain for {request.Method} {request.Path} has no handler that answers requests.")
            .ConfigureAwait(false);
    }
}
