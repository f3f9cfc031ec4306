using LightFabric.Config;
using LightFabric.Governance;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.Budget;

/// <summary>
/// The <c>budget</c> handler (alias <c>economics</c>, budget.yml): charges each governed call of its chain against the
/// caller's budget — an MCP tools/call by its tool's cost, a proxied HTTP request by its route's — in control, soft or
/// observe mode. The ledger is shared by every config generation that names it, so reloads keep the balances.
/// </summary>
public sealed class BudgetHandler : IGatewayHandler, IGoverningHandler, IActivatableHandler
{
    private readonly IBudgetLedger? _ledger;

    private BudgetHandler(BudgetHandlerSettings settings, IBudgetLedger? ledger)
    {
        Settings = settings;
        _ledger = ledger;
        Step = ledger is null ? null : new BudgetStep(new BudgetPolicy(settings.Budget, ledger), settings.Subject, settings.Receipts);
    }

    public string Id => "budget";

    public BudgetHandlerSettings Settings { get; }

    public ICallStep? Step { get; }

    public ICallRecorder? Recorder => null;

    public static HandlerDescriptor Descriptor(BudgetLedgers ledgers) =>
        new("budget", ["economics"], "budget", context => Create(context, ledgers)) { Keys = ConfigKeys.For<BudgetConfig>() };

    private static BudgetHandler Create(HandlerBuildContext context, BudgetLedgers ledgers)
    {
        var logger = context.LoggerFactory.CreateLogger("LightFabric.Gateway.Budget");
        var settings = BudgetConfigValidator.Settings(context.BindEach<BudgetConfig>(), context.Problem, Environment.GetEnvironmentVariable);
        if (!settings.Enabled)
        {
            logger.LogWarning("budget is in a handler chain but budget.yml has enabled: false; calls are not charged");
            return new BudgetHandler(settings, null);
        }

        var budget = settings.Budget;
        logger.LogInformation("budget: mode {Mode}, failMode {FailMode}, ledger {Ledger}, subject {Subject}, default limit {Limit}, {Limits} own limits",
            EnforcementModes.Name(budget.Mode), budget.FailMode.ToString().ToLowerInvariant(), settings.Ledger.Describe(), settings.Subject,
            budget.DefaultLimit == 0 ? "unlimited" : budget.DefaultLimit, budget.Limits.Count);
        return new BudgetHandler(settings, ledgers.Open(settings.Ledger));
    }

    public ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange) => ValueTask.FromResult(HandlerOutcome.Continue);

    public Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (_ledger is not null)
        {
            BudgetLedgers.Start(_ledger);
        }

        return Task.CompletedTask;
    }

    // The ledger belongs to the gateway, not to this generation.
    public ValueTask RetireAsync() => ValueTask.CompletedTask;
}
