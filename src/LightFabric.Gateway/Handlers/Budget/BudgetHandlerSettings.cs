using LightFabric.Governance.Budgets;

namespace LightFabric.Gateway.Handlers.Budget;

/// <summary>budget.yml checked: the budget policy's settings, the ledger, what a budget is keyed by, and receipts.</summary>
public sealed record BudgetHandlerSettings
{
    public bool Enabled { get; init; } = true;

    public BudgetSettings Budget { get; init; } = new();

    public BudgetLedgerChoice Ledger { get; init; } = new(BudgetLedgerKind.Memory);

    public BudgetSubject Subject { get; init; } = BudgetSubject.Auto;

    public bool Receipts { get; init; } = true;
}
