using System.Net.Sockets;
using LightFabric.Runtime.Bootstrap;

namespace LightFabric.Runtime.Hosting;

/// <summary>Says in one line which server.yml listener could not be opened and what to do about it.</summary>
internal static class ListenerBindFailure
{
    public static SocketException? FindSocketError(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket;
            }
        }

        return ex is AggregateException aggregate ? aggregate.InnerExceptions.Select(FindSocketError).FirstOrDefault(s => s is not null) : null;
    }

    public static string Describe(ServerConfig server, string? ipOverride, SocketException error)
    {
        var ip = ipOverride ?? server.Ip;
        var ports = new List<string>();
        if (server.EnableHttp)
        {
            ports.Add($"{ip}:{server.HttpPort} (server.httpPort)");
        }

        if (server.EnableHttps)
        {
            ports.Add($"{ip}:{server.HttpsPort} (server.httpsPort)");
        }

        return error.SocketErrorCode == SocketError.AddressAlreadyInUse
            ? $"cannot listen on {string.Join(" / ", ports)}: address already in use; stop the other process or change the port in server.yml or values.yml"
            : $"cannot listen on {string.Join(" / ", ports)}: {error.Message}";
    }
}
