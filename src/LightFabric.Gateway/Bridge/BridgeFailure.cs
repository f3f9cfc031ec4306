using System.Net;
using ModelContextProtocol;

namespace LightFabric.Gateway.Bridge;

/// <summary>
/// What a failed relay to the gateway means for the bridge: the JSON-RPC error the local client gets, the reason for
/// the log, whether the remote session is broken and whether the message may be sent again on a new one.
/// </summary>
internal sealed record BridgeFailure(int Code, string Message, string Reason, bool BreaksSession, bool NotDelivered)
{
    public static string Unreachable(string reason) => "light-gateway unreachable: " + reason;

    public static BridgeFailure Of(Exception ex)
    {
        switch (ex)
        {
            case McpProtocolException protocol:
                return new BridgeFailure((int)protocol.ErrorCode, protocol.Message, protocol.Message, BreaksSession: false, NotDelivered: false);
            case HttpRequestException { StatusCode: HttpStatusCode.NotFound }:
                const string gone = "the gateway no longer knows the session (HTTP 404)";
                return new BridgeFailure(McpBridge.UnreachableCode, Unreachable(gone), gone, BreaksSession: true, NotDelivered: true);
            case HttpRequestException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } denied:
                var why = $"the gateway refused the request (HTTP {(int)denied.StatusCode!}); check {BridgeOptions.TokenVariable}";
                return new BridgeFailure(-32001, "light-gateway: " + why, why, BreaksSession: false, NotDelivered: false);
            case HttpRequestException { StatusCode: not null } status:
                var answered = $"the gateway answered HTTP {(int)status.StatusCode!}";
                return new BridgeFailure(McpBridge.UnreachableCode, Unreachable(answered), answered, BreaksSession: false, NotDelivered: false);
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } connect:
                var refused = Describe(connect);
                return new BridgeFailure(McpBridge.UnreachableCode, Unreachable(refused), refused, BreaksSession: true, NotDelivered: true);
            case ObjectDisposedException or InvalidOperationException:
                // The session was closed under this send: it never left.
                var closed = Describe(ex);
                return new BridgeFailure(McpBridge.UnreachableCode, Unreachable(closed), closed, BreaksSession: true, NotDelivered: true);
            default:
                var lost = Describe(ex);
                return new BridgeFailure(McpBridge.UnreachableCode, Unreachable(lost), lost, BreaksSession: true, NotDelivered: false);
        }
    }

    public static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status} {status}",
        HttpRequestException http => http.Message,
        OperationCanceledException => "the request to the gateway was cancelled (session closed)",
        McpException { Message: var m } when m.Contains("without a reply", StringComparison.Ordinal) => "the gateway's answer stream ended before the reply",
        _ => ex.Message,
    };
}
