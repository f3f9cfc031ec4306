using LightFabric.Gateway.Handlers.Audit;
using LightFabric.Gateway.Handlers.Budget;
using LightFabric.Mcp.Routing;

namespace LightFabric.Gateway.Handlers;

/// <summary>What handlers keep across config generations for the life of the gateway: MCP sessions and upstream servers, budget ledgers.</summary>
public sealed class SharedHandlerState(McpRouterHost mcp, BudgetLedgers ledgers, AuditWriters audit) : IAsyncDisposable
{
    public AuditWriters Audit { get; } = audit;

    public McpRouterHost Mcp { get; } = mcp;

    public BudgetLedgers Ledgers { get; } = ledgers;

    public HandlerRegistry CreateRegistry() => HandlerRegistry.CreateDefault(Mcp, Ledgers, Audit);

    public async ValueTask DisposeAsync()
    {
        await Mcp.DisposeAsync().ConfigureAwait(false);
        await Ledgers.DisposeAsync().ConfigureAwait(false);

        // Last: the records of calls that finished while the rest stopped are flushed.
        await Audit.DisposeAsync().ConfigureAwait(false);
    }
}
