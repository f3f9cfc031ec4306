using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>The <c>health</c> handler id: answers 200 <c>ok</c> wherever a chain places it.</summary>
public sealed class HealthHandler : IGatewayHandler
{
    public static readonly HandlerDescriptor Descriptor = new("health", [], null, _ => new HealthHandler());

    private static readonly byte[] Ok = "ok"u8.ToArray();

    public string Id => "health";

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        var response = exchange.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain";
        response.ContentLength = Ok.Length;
        if (!HttpMethods.IsHead(exchange.Http.Request.Method))
        {
            await response.Body.WriteAsync(Ok);
        }

        return HandlerOutcome.Completed;
    }
}
