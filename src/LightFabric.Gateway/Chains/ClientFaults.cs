using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Chains;

/// <summary>Tells exceptions a client caused (its body, its connection) from the gateway's own failures.</summary>
public static class ClientFaults
{
    /// <summary>The client's fault behind this exception, or null when it is not one.</summary>
    public static ClientFault? Of(Exception exception, HttpContext context) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => ClientFault.StalledBody,
        BadHttpRequestException => ClientFault.MalformedBody,
        ConnectionResetException or ConnectionAbortedException => ClientFault.Disconnected,
        IOException or OperationCanceledException when context.RequestAborted.IsCancellationRequested => ClientFault.Disconnected,
        _ => null,
    };
}
