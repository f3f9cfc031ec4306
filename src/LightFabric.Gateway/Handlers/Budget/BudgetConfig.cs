namespace LightFabric.Gateway.Handlers.Budget;

/// <summary>budget.yml as written; <see cref="BudgetConfigValidator"/> checks it and makes the settings.</summary>
public sealed record BudgetConfig
{
    public bool Enabled { get; init; } = true;

    /// <summary>control (hard), soft or observe (shadow).</summary>
    public string? Mode { get; init; }

    /// <summary>closed or open.</summary>
    public string? FailMode { get; init; }

    /// <summary>sqlite, redis or memory.</summary>
    public string? Ledger { get; init; }

    public string? SqlitePath { get; init; }

    public string? RedisUrl { get; init; }

    /// <summary>Key prefix of the Redis ledger, so several gateways fleets can share one Redis.</summary>
    public string? RedisPrefix { get; init; }

    /// <summary>auto, token or claim:NAME.</summary>
    public string? Subject { get; init; }

    public long DefaultLimit { get; init; }

    /// <summary>total, day or month.</summary>
    public string? DefaultPeriod { get; init; }

    public IReadOnlyList<BudgetLimitConfig?> Limits { get; init; } = [];

    public BudgetToolsConfig Tools { get; init; } = new();

    public IReadOnlyList<BudgetRouteConfig?> Routes { get; init; } = [];

    public bool Receipts { get; init; } = true;

    /// <summary>SatGate's <c>budget:</c> block (backend, limit, failMode, redisUrl), mapped onto the keys above.</summary>
    public SatGateBudgetConfig? Budget { get; init; }

    /// <summary>SatGate's <c>enforcement:</c> block (mode).</summary>
    public SatGateEnforcementConfig? Enforcement { get; init; }
}

/// <summary>One subject's own limit.</summary>
public sealed record BudgetLimitConfig
{
    public string? Subject { get; init; }

    public long? Limit { get; init; }

    public string? Period { get; init; }
}

/// <summary><c>tools:</c>: what each tool costs (exact name, longest trailing-* prefix, "*", then defaultCost).</summary>
public sealed record BudgetToolsConfig
{
    public long? DefaultCost { get; init; }

    public IReadOnlyDictionary<string, long> Costs { get; init; } = new Dictionary<string, long>();
}

/// <summary>What an HTTP request costs: an exact path or a prefix ending in *, optionally one method.</summary>
public sealed record BudgetRouteConfig
{
    [LightFabric.Config.ConfigAlias("pathPrefix")]
    public string? Path { get; init; }

    public string? Method { get; init; }

    [LightFabric.Config.ConfigAlias("costCredits")]
    public long? Cost { get; init; }
}

/// <summary>SatGate's <c>budget:</c>.</summary>
public sealed record SatGateBudgetConfig
{
    /// <summary>memory or redis.</summary>
    public string? Backend { get; init; }

    public long? Limit { get; init; }

    public string? FailMode { get; init; }

    public string? RedisUrl { get; init; }
}

/// <summary>SatGate's <c>enforcement:</c>.</summary>
public sealed record SatGateEnforcementConfig
{
    public string? Mode { get; init; }
}
