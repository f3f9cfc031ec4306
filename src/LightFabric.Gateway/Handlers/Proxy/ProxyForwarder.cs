using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// Forwards one request: picks the target round-robin, retries connection failures on the next target when the
/// request can be sent again, enforces maxRequestTime until the response headers arrive, then streams the response.
/// Every failure becomes an error response for this request only.
/// </summary>
internal sealed class ProxyForwarder(ProxySettings settings, ILogger logger)
{
    private readonly ProxyTargetRing _targets = new(settings.Targets);
    private readonly ProxyRequestFactory _requests = new(settings);

    /// <returns>How the exchange ended and with which host, for the call pipeline and the audit trail.</returns>
    public async Task<ForwardResult> ForwardAsync(HttpContext http, HttpClient client)
    {
        var request = http.Request;
        var body = HasBody(http) ? new ProxyRequestBody(request.Body) : null;

        using var timeout = new CancellationTokenSource();
        if (settings.MaxRequestTime is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        // Client disconnect and the time limit both cancel the upstream request.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, timeout.Token);
        var start = _targets.NextStart();
        var unreachable = new List<ProxyTarget>();
        ProxyTarget target = null!;
        HttpRequestMessage? message = null;
        HttpResponseMessage? response = null;
        try
        {
            for (var attempt = 0; response is null; attempt++)
            {
                target = _targets.At(start, attempt);
                message?.Dispose();
                message = _requests.Create(http, target, body);
                try
                {
                    response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancel.Token).ConfigureAwait(false);
                }
                catch (Exception) when (http.RequestAborted.IsCancellationRequested)
                {
                    logger.LogDebug("Client left before {Target} answered {Method} {Path}", target.Name, request.Method, request.Path);
                    return new ForwardResult(ForwardOutcome.ClientLeft, target.Name);
                }
                catch (Exception) when (timeout.IsCancellationRequested)
                {
                    await TimedOutAsync(http, target).ConfigureAwait(false);
                    return new ForwardResult(ForwardOutcome.TimedOut, target.Name);
                }
                catch (Exception ex) when (NeverReachedUpstream(ex))
                {
                    if (!unreachable.Contains(target))
                    {
                        unreachable.Add(target);
                    }

                    var replayable = CanSendAgain(request.Method, body);
                    if (attempt < settings.MaxConnectionRetries && replayable)
                    {
                        logger.LogDebug("Cannot connect to {Target} ({Reason}); trying the next host", target.Name, Reason(ex));
                        continue;
                    }

                    await UnreachableAsync(http, unreachable, ex, retriesLeft: attempt < settings.MaxConnectionRetries).ConfigureAwait(false);
                    return new ForwardResult(ForwardOutcome.Unreachable, target.Name);
                }
                catch (HttpRequestException ex)
                {
                    return new ForwardResult(await FailedAsync(http, target, ex).ConfigureAwait(false), target.Name);
                }
            }

            // From here on the response streams for as long as it takes; only the client leaving ends it early.
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            if (timeout.IsCancellationRequested)
            {
                await TimedOutAsync(http, target).ConfigureAwait(false);
                return new ForwardResult(ForwardOutcome.TimedOut, target.Name);
            }

            ProxyResponseWriter.WriteHead(response, http.Response);
            var (outcome, error) = await ProxyResponseWriter.CopyBodyAsync(response, http, cancel.Token).ConfigureAwait(false);
            if (outcome == BodyCopyOutcome.UpstreamFailed)
            {
                // The status is gone already; breaking the connection tells the client the body is incomplete.
                logger.LogWarning(error, "The response body from {Target} broke off for {Method} {Path}", target.Name, request.Method, request.Path);
                http.Abort();
                return new ForwardResult(ForwardOutcome.Failed, target.Name, (int)response.StatusCode);
            }

            return new ForwardResult(outcome == BodyCopyOutcome.ClientGone ? ForwardOutcome.ClientLeft : ForwardOutcome.Answered, target.Name,
                (int)response.StatusCode);
        }
        finally
        {
            response?.Dispose();
            message?.Dispose();
        }
    }

    private static bool HasBody(HttpContext http) =>
        http.Request.ContentLength > 0 || http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;

    /// <summary>The request never left the gateway: no connection (refused or past ConnectTimeout), no name, no TLS session.</summary>
    private static bool NeverReachedUpstream(Exception ex) => ex switch
    {
        HttpRequestException http => http.HttpRequestError is HttpRequestError.ConnectionError
            or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    private static string Reason(Exception ex) => ex is OperationCanceledException { InnerException: TimeoutException timeout } ? timeout.Message : ex.Message;

    /// <summary>A bodiless request can always go to the next host; one with a body only if idempotent and still unread.</summary>
    private static bool CanSendAgain(string method, ProxyRequestBody? body) =>
        body is null
        || (!body.Touched && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method)));

    private Task TimedOutAsync(HttpContext http, ProxyTarget target)
    {
        var ms = (long)settings.MaxRequestTime!.Value.TotalMilliseconds;
        logger.LogWarning("{Target} did not answer {Method} {Path} within maxRequestTime {Milliseconds} ms", target.Name, http.Request.Method, http.Request.Path, ms);
        return GatewayError.WriteAsync(http, StatusCodes.Status504GatewayTimeout, "PROXY_UPSTREAM_TIMEOUT", "Upstream timeout",
            $"{target.Name} did not answer within {ms} ms (proxy.yml maxRequestTime). Raise maxRequestTime if the backend is expected to take longer.");
    }

    private Task UnreachableAsync(HttpContext http, List<ProxyTarget> targets, Exception last, bool retriesLeft)
    {
        var names = string.Join(", ", targets.Select(t => $"{t.Name} (proxy.yml {t.Key})"));
        var note = retriesLeft
            ? " It was not retried: a request with a body is sent to another host only when its method is idempotent and no body was read yet."
            : "";
        logger.LogWarning("Cannot connect to {Targets} for {Method} {Path}: {Reason}", names, http.Request.Method, http.Request.Path, Reason(last));
        return GatewayError.WriteAsync(http, StatusCodes.Status502BadGateway, "PROXY_UPSTREAM_UNAVAILABLE", "Upstream unavailable",
            $"Could not connect to {names}: {Reason(last).TrimEnd('.')}.{note} Check that the backend runs and is reachable from the gateway.");
    }

    private async Task<ForwardOutcome> FailedAsync(HttpContext http, ProxyTarget target, HttpRequestException ex)
    {
        if (FindBadRequest(ex) is { } bad)
        {
            // Reading the client's own body failed (too large, malformed chunking): the client's fault, not the upstream's.
            await GatewayError.WriteAsync(http, bad.StatusCode, "INVALID_REQUEST_BODY", "Invalid request body", bad.Message).ConfigureAwait(false);
            return ForwardOutcome.BadRequest;
        }

        logger.LogWarning(ex, "The request {Method} {Path} to {Target} failed", http.Request.Method, http.Request.Path, target.Name);
        await GatewayError.WriteAsync(http, StatusCodes.Status502BadGateway, "PROXY_UPSTREAM_ERROR", "Bad upstream response",
            $"The request to {target.Name} failed: {ex.Message}").ConfigureAwait(false);
        return ForwardOutcome.Failed;
    }

    private static BadHttpRequestException? FindBadRequest(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }
}
