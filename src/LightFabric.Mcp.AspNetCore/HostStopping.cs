using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// The host's "stopping" signal, which ends long-lived MCP answers so a graceful shutdown can drain. It is the same
/// for every request of a host, and looking it up makes the request's service scope, so it is looked up once.
/// </summary>
internal sealed class HostStopping
{
    private StrongBox<CancellationToken>? _token;

    public CancellationToken Of(HttpContext http) =>
        (_token ??= new StrongBox<CancellationToken>(
            http.RequestServices?.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None)).Value;
}
