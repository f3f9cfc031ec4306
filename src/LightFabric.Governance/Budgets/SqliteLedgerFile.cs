using Microsoft.Data.Sqlite;

namespace LightFabric.Governance.Budgets;

/// <summary>
/// The SQLite file behind <see cref="SqliteBudgetLedger"/>: creates its directory and schema on first use, runs work in
/// one transaction, and turns any SQLite or file failure into a <see cref="BudgetLedgerException"/> naming the file.
/// </summary>
internal sealed class SqliteLedgerFile : IDisposable
{
    // Spent credits per subject and period start, and charged request keys until they expire (both unix ms, UTC).
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS budget_spent (
            subject TEXT NOT NULL,
            window_start INTEGER NOT NULL,
            spent INTEGER NOT NULL,
            PRIMARY KEY (subject, window_start)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS budget_requests (
            request_key TEXT NOT NULL PRIMARY KEY,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS budget_requests_expiry ON budget_requests (expires_at);
        """;

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly Lock _createLock = new();

    // Writers in this process queue here instead of each blocking a thread on SQLite's lock; other processes sharing
    // the file wait on busy_timeout.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private SqliteConnection? _writerConnection;
    private readonly Dictionary<string, SqliteCommand> _writerCommands = new(StringComparer.Ordinal);
    private volatile bool _created;
    private volatile bool _disposed;

    public SqliteLedgerFile(string path, TimeSpan lockTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lockTimeout, TimeSpan.Zero);
        Path = System.IO.Path.GetFullPath(path);
        // NORMAL in WAL mode: a commit survives the gateway crashing (kill -9 included) without an fsync of its own; only
        // a power loss or OS crash can undo the last commits. FULL would fsync every charge (milliseconds per call).
        _connectionPragmas = $"PRAGMA busy_timeout = {(long)lockTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // The driver's own retry on a busy file, in whole seconds (0 would wait for ever).
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(lockTimeout.TotalSeconds)),
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Runs <paramref name="work"/> in a read transaction (WAL readers never wait for a writer).</summary>
    public async Task<T> ReadAsync<T>(string action, Func<SqliteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: true);
            var result = await work(transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new BudgetLedgerException($"The budget ledger {Path} could not {action}: {ex.Message}", ex);
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction begun with BEGIN IMMEDIATE, committed only if it returns.</summary>
    public async Task<T> WriteAsync<T>(string action, Func<SqliteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                // One connection for this process's writes, kept open with its prepared statements: opening a pooled
                // connection and preparing each statement again cost more than the transaction itself.
                _writerConnection ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
                // Not deferred is BEGIN IMMEDIATE: the write lock is held before anything is read, so no two writers
                // read the same balance. Disposed without a commit, it rolls back.
                await using var transaction = _writerConnection.BeginTransaction(deferred: false);
                var result = await work(transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
            {
                // The file or the connection may be what failed: the next write opens a new one.
                CloseWriter();
                throw new BudgetLedgerException($"The budget ledger {Path} could not {action}: {ex.Message}", ex);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// A command for <paramref name="sql"/> in <paramref name="transaction"/>, without parameters: on the writer connection
    /// the same prepared command each time (not to be disposed by the caller), else a new one.
    /// </summary>
    public LedgerCommand Command(SqliteTransaction transaction, string sql)
    {
        var connection = transaction.Connection!;
        if (!ReferenceEquals(connection, _writerConnection))
        {
            var own = connection.CreateCommand();
            own.Transaction = transaction;
            own.CommandText = sql;
            return new LedgerCommand(own, owned: true);
        }

        if (!_writerCommands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _writerCommands[sql] = command;
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return new LedgerCommand(command, owned: false);
    }

    private void CloseWriter()
    {
        foreach (var command in _writerCommands.Values)
        {
            command.Dispose();
        }

        _writerCommands.Clear();
        _writerConnection?.Dispose();
        _writerConnection = null;
    }

    /// <summary>Closes the pooled connections, so the file is released.</summary>
    public void Dispose()
    {
        _disposed = true;

        // A write in progress finishes first (bounded: its own lock timeout applies).
        var entered = _writer.Wait(TimeSpan.FromSeconds(10));
        try
        {
            CloseWriter();
        }
        finally
        {
            if (entered)
            {
                _writer.Release();
            }
        }

        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_created && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Execute(connection, _connectionPragmas);
            if (!_created)
            {
                // Created on first use, not in the constructor: a gateway whose file cannot be opened yet still starts
                // and its policy's failMode decides; the next call tries again.
                lock (_createLock)
                {
                    if (!_created)
                    {
                        CreateSchema(connection);
                        _created = true;
                    }
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        // WAL is a property of the file: set once, it holds for every connection and process that opens it.
        Execute(connection, "PRAGMA journal_mode = WAL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Schema;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>A ledger command; disposing it disposes only a command made for this one use.</summary>
internal readonly struct LedgerCommand(SqliteCommand command, bool owned) : IAsyncDisposable
{
    public SqliteCommand Command { get; } = command;

    public ValueTask DisposeAsync() => owned ? Command.DisposeAsync() : ValueTask.CompletedTask;
}
