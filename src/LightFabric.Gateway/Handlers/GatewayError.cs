using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>
/// Error responses in the light-4j status shape (<c>statusCode, code, message, description, severity</c>), so
/// existing portal tooling parses them. Descriptions never carry secrets or security details.
/// </summary>
public static class GatewayError
{
    public static Task WriteAsync(HttpContext context, int status, string code, string message, string description)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ErrorBody(status, code, message, description, "ERROR"),
            GatewayJsonContext.Default.ErrorBody);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    internal sealed record ErrorBody(int StatusCode, string Code, string Message, string Description, string Severity);
}
