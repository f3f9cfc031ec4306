namespace LightFabric.Governance.Budgets;

/// <summary>What the ledger does when it cannot be reached.</summary>
public enum BudgetFailMode
{
    /// <summary>Refuse the call (<c>budget_error</c>).</summary>
    Closed,

    /// <summary>Let the call through and record the failure.</summary>
    Open,
}

/// <summary>A subject's own limit.</summary>
public sealed record BudgetLimit(string Subject, long Limit, BudgetPeriod Period = BudgetPeriod.Total);

/// <summary>How calls are charged: the mode, what each tool costs, and each subject's limit.</summary>
public sealed record BudgetSettings
{
    public EnforcementMode Mode { get; init; } = EnforcementMode.Control;

    public BudgetFailMode FailMode { get; init; } = BudgetFailMode.Closed;

    public CostTable Costs { get; init; } = CostTable.Default;

    /// <summary>Credits for a subject with no limit of its own; 0 = unlimited.</summary>
    public long DefaultLimit { get; init; }

    public BudgetPeriod DefaultPeriod { get; init; } = BudgetPeriod.Total;

    public IReadOnlyDictionary<string, BudgetLimit> Limits { get; init; } = new Dictionary<string, BudgetLimit>();

    /// <summary>HTTP route costs; the first entry that matches wins, else the tools' default cost.</summary>
    public IReadOnlyList<RouteCost> Routes { get; init; } = [];

    /// <summary>What an HTTP request costs.</summary>
    public long CostOfRoute(string method, string path)
    {
        foreach (var route in Routes)
        {
            if (route.Matches(method, path))
            {
                return route.Cost;
            }
        }

        return Costs.DefaultCost;
    }

    /// <summary>The account a subject is charged against, or null when it has no limit (unlimited).</summary>
    public BudgetAccount? AccountOf(string subject)
    {
        if (Limits.TryGetValue(subject, out var own))
        {
            return own.Limit > 0 ? new BudgetAccount(subject, own.Limit, own.Period) : null;
        }

        return DefaultLimit > 0 ? new BudgetAccount(subject, DefaultLimit, DefaultPeriod) : null;
    }
}
