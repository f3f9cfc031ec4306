using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Runtime.Hosting;

/// <summary>
/// <c>GET /health/ready</c>: 200 only when ready; the JSON body says why not and lists every upstream with its state.
/// <c>degraded</c> is ready (startup no longer waits) with an upstream that is not up.
/// </summary>
internal static class ReadinessEndpoint
{
    public static Task WriteAsync(HttpContext context, LifecycleState lifecycle, IReadOnlyList<UpstreamHealth> upstreams)
    {
        var status = lifecycle switch
        {
            LifecycleState.Ready => upstreams.All(u => u.State == "up") ? "ready" : "degraded",
            < LifecycleState.Ready => "starting",
            LifecycleState.PreStop => "stopping",
            LifecycleState.Draining => "draining",
            _ => "stopped",
        };
        var list = new JsonArray();
        foreach (var upstream in upstreams)
        {
            var item = new JsonObject { ["name"] = upstream.Name, ["state"] = upstream.State, ["required"] = upstream.Required };
            if (upstream.LastError is not null)
            {
                item["lastError"] = upstream.LastError;
            }

            if (upstream.StartupWaitEndsAt is { } endsAt)
            {
                item["startupWaitEndsAt"] = endsAt.ToString("O", CultureInfo.InvariantCulture);
            }

            list.Add(item);
        }

        var body = new JsonObject
        {
            ["status"] = status,
            ["lifecycle"] = lifecycle.ToString().ToLowerInvariant(),
            ["upstreams"] = list,
        };
        var response = context.Response;
        response.StatusCode = lifecycle == LifecycleState.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(body.ToJsonString());
    }
}
