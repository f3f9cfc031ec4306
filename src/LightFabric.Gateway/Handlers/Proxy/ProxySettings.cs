using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>proxy.yml validated: the targets and the limits the handler runs on.</summary>
public sealed record ProxySettings
{
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<ProxyTarget> Targets { get; init; } = [];
    public bool Http2 { get; init; }

    /// <summary>Connections per target (connectionsPerThread × processors, as Undertow's IO threads count them).</summary>
    public int MaxConnectionsPerTarget { get; init; }

    /// <summary>Time allowed until the upstream's response headers arrive; null for no limit.</summary>
    public TimeSpan? MaxRequestTime { get; init; }
    public bool RewriteHostHeader { get; init; } = true;
    public bool ReuseXForwarded { get; init; }
    public int MaxConnectionRetries { get; init; }
    public bool ForwardJwtClaims { get; init; }
    public bool MetricsInjection { get; init; }

    /// <summary>Reads and checks proxy.yml, reporting each problem with its key; null when nothing usable remains.</summary>
    public static ProxySettings? Read(HandlerBuildContext context)
    {
        ReportUnknownKeys(context);
        var config = TryBind<ProxyConfig>(context, report: true);

        // A wrong value elsewhere must not hide problems in hosts: every problem is reported at once.
        var hosts = config?.Hosts ?? TryBind<HostList>(context, report: false)?.Hosts;
        var targets = hosts is null ? [] : ReadTargets(context, hosts);
        if (config is null)
        {
            return null;
        }

        var valid = targets.Count > 0 && targets.Count == config.Hosts.Count;
        if (config.ConnectionsPerThread < 1)
        {
            context.Problem("connectionsPerThread", $"must be 1 or more, got {config.ConnectionsPerThread}");
            valid = false;
        }

        if (config.MaxConnectionRetries < 0)
        {
            context.Problem("maxConnectionRetries", $"must be 0 or more, got {config.MaxConnectionRetries}");
            valid = false;
        }

        if (config.MaxQueueSize < 0)
        {
            context.Problem("maxQueueSize", $"must be 0 or more, got {config.MaxQueueSize}");
            valid = false;
        }

        if (!valid)
        {
            return null;
        }

        return new ProxySettings
        {
            Enabled = config.Enabled,
            Targets = targets,
            Http2 = config.Http2Enabled,
            MaxConnectionsPerTarget = (int)Math.Min(int.MaxValue, (long)config.ConnectionsPerThread * Environment.ProcessorCount),
            MaxRequestTime = config.MaxRequestTime > 0 ? TimeSpan.FromMilliseconds(config.MaxRequestTime) : null,
            RewriteHostHeader = config.RewriteHostHeader,
            ReuseXForwarded = config.ReuseXForwarded,
            MaxConnectionRetries = config.MaxConnectionRetries,
            ForwardJwtClaims = config.ForwardJwtClaims,
            MetricsInjection = config.MetricsInjection,
        };
    }

    private static List<ProxyTarget> ReadTargets(HandlerBuildContext context, IReadOnlyList<string> hosts)
    {
        var targets = new List<ProxyTarget>();
        if (hosts.Count == 0)
        {
            context.Problem("hosts", "lists no host; give at least one http:// or https:// URL, e.g. proxy.hosts: http://backend:8080");
        }

        for (var i = 0; i < hosts.Count; i++)
        {
            var target = ProxyTarget.TryParse(hosts[i], $"hosts[{i}]", out var error);
            if (target is null)
            {
                context.Problem($"hosts[{i}]", error!);
            }
            else
            {
                targets.Add(target);
            }
        }

        return targets;
    }

    private static T? TryBind<T>(HandlerBuildContext context, bool report)
        where T : class, new()
    {
        try
        {
            return context.Bind<T>();
        }
        catch (ConfigException ex)
        {
            foreach (var problem in ex.Problems.Where(_ => report))
            {
                context.Problem(problem.Key ?? "", problem.Message);
            }

            return null;
        }
    }

    private sealed record HostList
    {
        public IReadOnlyList<string> Hosts { get; init; } = [];
    }

    private static void ReportUnknownKeys(HandlerBuildContext context)
    {
        foreach (var (key, _) in context.Config?.Values ?? new JsonObject())
        {
            if (!ProxyConfig.Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                context.Problem(key, $"unknown key; proxy.yml takes {string.Join(", ", ProxyConfig.Keys)}");
            }
        }
    }
}
