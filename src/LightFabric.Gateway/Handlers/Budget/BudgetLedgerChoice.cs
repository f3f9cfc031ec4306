namespace LightFabric.Gateway.Handlers.Budget;

public enum BudgetLedgerKind
{
    Sqlite,
    Redis,
    Memory,
}

/// <summary>Which ledger keeps the balances: the kind and where it is (a SQLite file, a Redis URL and key prefix).</summary>
public sealed record BudgetLedgerChoice(BudgetLedgerKind Kind, string Location = "", string Prefix = "")
{
    /// <summary>How the ledger is named in logs and errors: never a Redis password.</summary>
    public string Describe() => Kind switch
    {
        BudgetLedgerKind.Sqlite => $"sqlite {Location}",
        BudgetLedgerKind.Redis => $"redis {RedactedUrl(Location)} (keys {Prefix}…)",
        _ => "memory (balances are lost when the gateway stops)",
    };

    private static string RedactedUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal) : url;
}
