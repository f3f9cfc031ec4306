using System.Buffers.Text;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>correlation.yml</summary>
public sealed record CorrelationConfig
{
    public bool Enabled { get; init; } = true;
    public bool AutogenCorrelationId { get; init; } = true;
    public string CorrelationMdcField { get; init; } = "cId";
    public string TraceabilityMdcField { get; init; } = "tId";
}

/// <summary>
/// Carries <c>X-Correlation-Id</c> (generated when missing) and <c>X-Traceability-Id</c> through the request:
/// into the exchange, onward to any upstream, and back on the response.
/// </summary>
public sealed class CorrelationHandler(CorrelationConfig config) : IGatewayHandler
{
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string TraceabilityHeader = "X-Traceability-Id";

    public static readonly HandlerDescriptor Descriptor = new(
        "correlation", ["traceability"], "correlation", ctx => new CorrelationHandler(ctx.Bind<CorrelationConfig>()))
    {
        Keys = LightFabric.Config.ConfigKeys.For<CorrelationConfig>(),
    };

    public string Id => "correlation";

    public ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!config.Enabled)
        {
            return ValueTask.FromResult(HandlerOutcome.Continue);
        }

        var headers = exchange.Http.Request.Headers;
        string? correlationId = headers[CorrelationHeader];
        if (string.IsNullOrEmpty(correlationId) && config.AutogenCorrelationId)
        {
            correlationId = NewCorrelationId();
            headers[CorrelationHeader] = correlationId;
        }

        string? traceabilityId = headers[TraceabilityHeader];
        exchange.CorrelationId = correlationId;
        exchange.TraceabilityId = string.IsNullOrEmpty(traceabilityId) ? null : traceabilityId;
        if (!string.IsNullOrEmpty(correlationId) || !string.IsNullOrEmpty(traceabilityId))
        {
            exchange.OnResponse(response =>
            {
                if (!string.IsNullOrEmpty(correlationId))
                {
                    response.Headers[CorrelationHeader] = correlationId;
                }

                if (!string.IsNullOrEmpty(traceabilityId))
                {
                    response.Headers[TraceabilityHeader] = traceabilityId;
                }
            });
        }

        return ValueTask.FromResult(HandlerOutcome.Continue);
    }

    /// <summary>A random UUID as 22 URL-safe base64 characters, the form light-4j services generate.</summary>
    public static string NewCorrelationId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
