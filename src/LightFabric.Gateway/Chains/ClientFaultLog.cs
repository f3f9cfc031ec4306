using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Chains;

/// <summary>What a client did wrong at the HTTP level, one log budget each.</summary>
public enum ClientFault
{
    /// <summary>The request body broke the HTTP framing (bad chunking, shorter than its Content-Length).</summary>
    MalformedBody,

    /// <summary>The client sent the body too slowly (Kestrel's minimum data rate).</summary>
    StalledBody,

    /// <summary>The client closed or reset the connection before its request was done.</summary>
    Disconnected,
}

/// <summary>
/// Logs client-caused protocol errors as one warning line without a stack, at most one per kind per interval;
/// the next line says how many were left out. A client repeating a bad request cannot flood the log.
/// </summary>
public sealed class ClientFaultLog(ILogger logger, TimeProvider time, TimeSpan interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<ClientFault, Budget> _budgets = new();

    public void Report(ClientFault fault, string method, string path, string detail)
    {
        var budget = _budgets.GetOrAdd(fault, _ => new Budget());
        var now = time.GetTimestamp();
        long suppressed;
        lock (budget)
        {
            if (budget.LastLogged is { } last && time.GetElapsedTime(last, now) < interval)
            {
                budget.Suppressed++;
                return;
            }

            suppressed = budget.Suppressed;
            budget.Suppressed = 0;
            budget.LastLogged = now;
        }

        logger.LogWarning("Client request {Method} {Path} ended: {Fault}: {Detail}{Suppressed}", method, path, Describe(fault), detail,
            suppressed == 0 ? "" : $" ({suppressed} more of this kind since the last one logged)");
    }

    private static string Describe(ClientFault fault) => fault switch
    {
        ClientFault.MalformedBody => "malformed request body",
        ClientFault.StalledBody => "request body sent too slowly",
        _ => "client disconnected",
    };

    private sealed class Budget
    {
        public long? LastLogged { get; set; }

        public long Suppressed { get; set; }
    }
}
