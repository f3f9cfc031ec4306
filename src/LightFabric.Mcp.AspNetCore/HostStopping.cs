using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>The host's "stopping" signal, which ends long-lived MCP answers so a graceful shutdown can drain.</summary>
internal static class HostStopping
{
    public static CancellationToken Of(HttpContext http) =>
        http.RequestServices?.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
}
