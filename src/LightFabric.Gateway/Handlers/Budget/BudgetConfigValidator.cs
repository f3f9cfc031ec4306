using LightFabric.Governance;
using LightFabric.Governance.Budgets;

namespace LightFabric.Gateway.Handlers.Budget;

/// <summary>
/// Checks budget.yml and makes its settings; a value with a problem is reported with its key and left at its default
/// (the model is then refused, so a reload keeps the last good config). SatGate's <c>budget:</c> and
/// <c>enforcement:</c> blocks, when written, take the place of the keys they map to.
/// </summary>
public static class BudgetConfigValidator
{
    public const string DefaultSqlitePath = "data/budget.db";
    public const string DefaultRedisPrefix = "lf:budget:";

    public static BudgetHandlerSettings Settings(BudgetConfig config, Action<string, string> problem, Func<string, string?> environment)
    {
        var modeKey = config.Enforcement?.Mode is { Length: > 0 } ? "enforcement.mode" : "mode";
        var modeText = config.Enforcement?.Mode is { Length: > 0 } satGateMode ? satGateMode : config.Mode;
        if (!EnforcementModes.TryParse(Choice(modeText, "control"), out var mode))
        {
            problem(modeKey, $"'{modeText}' must be one of {EnforcementModes.Names}");
        }

        var failKey = config.Budget?.FailMode is { Length: > 0 } ? "budget.failMode" : "failMode";
        var failText = Choice(config.Budget?.FailMode is { Length: > 0 } satGateFail ? satGateFail : config.FailMode, "closed");
        if (failText is not ("closed" or "open"))
        {
            problem(failKey, $"'{failText}' must be closed (refuse calls when the ledger cannot be reached) or open (let them through and record it)");
        }

        var defaultLimit = config.Budget?.Limit ?? config.DefaultLimit;
        if (defaultLimit < 0)
        {
            problem(config.Budget?.Limit is null ? "defaultLimit" : "budget.limit", $"'{defaultLimit}' must be 0 (unlimited) or a positive number of credits");
            defaultLimit = 0;
        }

        var defaultPeriod = Period(config.DefaultPeriod, "defaultPeriod", problem);
        return new BudgetHandlerSettings
        {
            Enabled = config.Enabled,
            Budget = new BudgetSettings
            {
                Mode = mode,
                FailMode = failText == "open" ? BudgetFailMode.Open : BudgetFailMode.Closed,
                Costs = Costs(config.Tools, problem),
                DefaultLimit = defaultLimit,
                DefaultPeriod = defaultPeriod,
                Limits = Limits(config.Limits, defaultPeriod, problem),
                Routes = Routes(config.Routes, problem),
            },
            Ledger = Ledger(config, problem, environment),
            Subject = Subject(config.Subject, problem),
            Receipts = config.Receipts,
        };
    }

    private static BudgetLedgerChoice Ledger(BudgetConfig config, Action<string, string> problem, Func<string, string?> environment)
    {
        var key = config.Budget?.Backend is { Length: > 0 } ? "budget.backend" : "ledger";
        var kind = Choice(config.Budget?.Backend is { Length: > 0 } backend ? backend : config.Ledger, "sqlite");
        switch (kind)
        {
            case "memory":
                return new BudgetLedgerChoice(BudgetLedgerKind.Memory);
            case "sqlite":
                var path = config.SqlitePath?.Trim() is { Length: > 0 } written ? written : DefaultSqlitePath;
                try
                {
                    return new BudgetLedgerChoice(BudgetLedgerKind.Sqlite, Path.GetFullPath(path));
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    problem("sqlitePath", $"'{path}' is not a file path: {ex.Message}");
                    return new BudgetLedgerChoice(BudgetLedgerKind.Memory);
                }

            case "redis":
                var urlKey = config.Budget?.RedisUrl is { Length: > 0 } ? "budget.redisUrl" : "redisUrl";
                var url = (config.Budget?.RedisUrl is { Length: > 0 } satGateUrl ? satGateUrl : config.RedisUrl)?.Trim();
                if (string.IsNullOrEmpty(url))
                {
                    url = environment("REDIS_URL")?.Trim();
                }

                if (string.IsNullOrEmpty(url))
                {
                    problem(urlKey, $"{key} is redis but no Redis URL is given: set redisUrl (e.g. redis://127.0.0.1:6379) or the REDIS_URL environment variable");
                    return new BudgetLedgerChoice(BudgetLedgerKind.Memory);
                }

                try
                {
                    RedisUrl.Parse(url);
                }
                catch (FormatException ex)
                {
                    problem(urlKey, ex.Message);
                    return new BudgetLedgerChoice(BudgetLedgerKind.Memory);
                }

                var prefix = config.RedisPrefix?.Trim() is { Length: > 0 } p ? p : DefaultRedisPrefix;
                return new BudgetLedgerChoice(BudgetLedgerKind.Redis, url, prefix);
            default:
                problem(key, $"'{kind}' must be sqlite (one gateway, kept across restarts), redis (several gateways) or memory (lost on restart)");
                return new BudgetLedgerChoice(BudgetLedgerKind.Memory);
        }
    }

    private static CostTable Costs(BudgetToolsConfig tools, Action<string, string> problem)
    {
        var defaultCost = tools.DefaultCost ?? 1;
        if (defaultCost < 0)
        {
            problem("tools.defaultCost", $"'{defaultCost}' must be 0 (free) or a positive number of credits");
            defaultCost = 1;
        }

        var costs = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, cost) in tools.Costs)
        {
            if (name.Length == 0 || (name.IndexOf('*') is var star && star >= 0 && star != name.Length - 1))
            {
                problem($"tools.costs.{name}", $"'{name}' must be a tool name, a prefix ending in * (db_*), or *");
            }
            else if (cost < 0)
            {
                problem($"tools.costs.{name}", $"'{cost}' must be 0 (free) or a positive number of credits");
            }
            else
            {
                costs[name] = cost;
            }
        }

        return new CostTable(defaultCost, costs);
    }

    private static Dictionary<string, BudgetLimit> Limits(IReadOnlyList<BudgetLimitConfig?> limits, BudgetPeriod defaultPeriod, Action<string, string> problem)
    {
        var bySubject = new Dictionary<string, BudgetLimit>(StringComparer.Ordinal);
        for (var i = 0; i < limits.Count; i++)
        {
            if (limits[i] is not { } entry)
            {
                continue;
            }

            var key = $"limits[{i}]";
            var subject = entry.Subject?.Trim();
            if (string.IsNullOrEmpty(subject))
            {
                problem($"{key}.subject", "each limit needs the subject it applies to (a client id, sub, token id or claim value)");
                continue;
            }

            if (entry.Limit is not { } limit || limit < 0)
            {
                problem($"{key}.limit", $"the limit of '{subject}' must be 0 (unlimited) or a positive number of credits");
                continue;
            }

            if (!bySubject.TryAdd(subject, new BudgetLimit(subject, limit, entry.Period is null ? defaultPeriod : Period(entry.Period, $"{key}.period", problem))))
            {
                problem($"{key}.subject", $"'{subject}' has more than one limit; keep one");
            }
        }

        return bySubject;
    }

    private static List<RouteCost> Routes(IReadOnlyList<BudgetRouteConfig?> routes, Action<string, string> problem)
    {
        var costs = new List<RouteCost>();
        for (var i = 0; i < routes.Count; i++)
        {
            if (routes[i] is not { } route)
            {
                continue;
            }

            var key = $"routes[{i}]";
            var path = route.Path?.Trim();
            if (string.IsNullOrEmpty(path) || path[0] != '/' || path.IndexOf('*') is var star && star >= 0 && star != path.Length - 1)
            {
                problem($"{key}.path", $"'{path}' must be a request path starting with / or a prefix ending in * (/api/*)");
                continue;
            }

            if (route.Cost is not { } cost || cost < 0)
            {
                problem($"{key}.cost", $"the cost of {path} must be 0 (free) or a positive number of credits");
                continue;
            }

            var method = route.Method?.Trim();
            if (method is { Length: > 0 } && !method.All(char.IsAsciiLetter))
            {
                problem($"{key}.method", $"'{method}' is not an HTTP method");
                continue;
            }

            costs.Add(new RouteCost(path, method is { Length: > 0 } ? method.ToUpperInvariant() : null, cost));
        }

        return costs;
    }

    private static BudgetSubject Subject(string? text, Action<string, string> problem)
    {
        if (!BudgetSubject.TryParse(text, out var subject))
        {
            problem("subject", $"'{text}' must be one of {BudgetSubject.Names}");
        }

        return subject;
    }

    private static BudgetPeriod Period(string? text, string key, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return BudgetPeriod.Total;
        }

        if (!BudgetPeriods.TryParse(text, out var period))
        {
            problem(key, $"'{text}' must be total, day or month");
        }

        return period;
    }

    private static string Choice(string? written, string fallback) =>
        written?.Trim() is { Length: > 0 } text ? text.ToLowerInvariant() : fallback;
}
