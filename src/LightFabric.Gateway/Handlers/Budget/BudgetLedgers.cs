using System.Collections.Concurrent;
using LightFabric.Governance.Budgets;

namespace LightFabric.Gateway.Handlers.Budget;

/// <summary>
/// The ledgers of one gateway process, one per choice: every config generation that names the same ledger shares it,
/// so a reload (observe → control, new limits) keeps the balances — the in-memory ledger's included — and a Redis
/// connection is not made again. Closed when the gateway stops.
/// </summary>
public sealed class BudgetLedgers(TimeProvider? time = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<BudgetLedgerChoice, Lazy<SharedLedger>> _open = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// The ledger for <paramref name="choice"/>. Nothing is opened until it is used or <see cref="Start"/>ed (a config
    /// that is refused opens nothing); a Redis ledger then connects in the background and operations wait for it.
    /// </summary>
    public IBudgetLedger Open(BudgetLedgerChoice choice) => _open.GetOrAdd(choice, c => new Lazy<SharedLedger>(() => new SharedLedger(c, _time))).Value;

    /// <summary>Opens <paramref name="ledger"/> (one of this host's) now.</summary>
    public static void Start(IBudgetLedger ledger) => (ledger as SharedLedger)?.Start();

    public async ValueTask DisposeAsync()
    {
        foreach (var ledger in _open.Values.Where(l => l.IsValueCreated))
        {
            await ledger.Value.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }

    /// <summary>A ledger opened once; until it is open (a Redis connection), each operation waits for it.</summary>
    private sealed class SharedLedger : IBudgetLedger, IAsyncDisposable
    {
        private readonly Lazy<Task<IBudgetLedger>> _ledger;
        private readonly BudgetLedgerChoice _choice;

        public SharedLedger(BudgetLedgerChoice choice, TimeProvider time)
        {
            _choice = choice;
            _ledger = new Lazy<Task<IBudgetLedger>>(() => choice.Kind switch
            {
                BudgetLedgerKind.Sqlite => Task.FromResult<IBudgetLedger>(new SqliteBudgetLedger(choice.Location, time)),
                BudgetLedgerKind.Redis => ConnectAsync(choice, time),
                _ => Task.FromResult<IBudgetLedger>(new MemoryBudgetLedger(time)),
            });
        }

        /// <summary>Opens the ledger now (a Redis connection starts) rather than on the first call.</summary>
        public void Start() => _ = _ledger.Value;

        private static async Task<IBudgetLedger> ConnectAsync(BudgetLedgerChoice choice, TimeProvider time) =>
            await RedisBudgetLedger.ConnectAsync(choice.Location, choice.Prefix, time).ConfigureAwait(false);

        public async ValueTask<BudgetReservation> ReserveAsync(BudgetCharge charge, CancellationToken cancellationToken) =>
            await (await LedgerAsync().ConfigureAwait(false)).ReserveAsync(charge, cancellationToken).ConfigureAwait(false);

        public async ValueTask RefundAsync(BudgetReservation reservation, CancellationToken cancellationToken) =>
            await (await LedgerAsync().ConfigureAwait(false)).RefundAsync(reservation, cancellationToken).ConfigureAwait(false);

        public async ValueTask<long> RemainingAsync(BudgetAccount account, CancellationToken cancellationToken) =>
            await (await LedgerAsync().ConfigureAwait(false)).RemainingAsync(account, cancellationToken).ConfigureAwait(false);

        private async ValueTask<IBudgetLedger> LedgerAsync()
        {
            try
            {
                return await _ledger.Value.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not BudgetLedgerException)
            {
                throw new BudgetLedgerException($"the budget ledger {_choice.Describe()} could not be opened: {ex.Message}", ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_ledger is { IsValueCreated: true, Value.IsCompletedSuccessfully: true })
            {
                switch (_ledger.Value.Result)
                {
                    case IAsyncDisposable disposable:
                        await disposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
        }
    }
}
