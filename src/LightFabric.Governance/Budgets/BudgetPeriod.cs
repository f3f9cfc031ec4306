namespace LightFabric.Governance.Budgets;

/// <summary>How long a limit lasts before it starts again (UTC boundaries).</summary>
public enum BudgetPeriod
{
    /// <summary>Never resets.</summary>
    Total,

    Day,

    Month,
}

public static class BudgetPeriods
{
    /// <summary>The start of the period <paramref name="now"/> falls in; <see cref="DateTimeOffset.MinValue"/> for a total budget.</summary>
    public static DateTimeOffset WindowStart(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return period switch
        {
            BudgetPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BudgetPeriod.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => DateTimeOffset.MinValue,
        };
    }

    public static bool TryParse(string? text, out BudgetPeriod period)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "total":
                period = BudgetPeriod.Total;
                return true;
            case "day":
                period = BudgetPeriod.Day;
                return true;
            case "month":
                period = BudgetPeriod.Month;
                return true;
            default:
                period = BudgetPeriod.Total;
                return false;
        }
    }
}
