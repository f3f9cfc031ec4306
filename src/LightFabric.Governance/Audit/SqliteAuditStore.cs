using System.Text;
using Microsoft.Data.Sqlite;

namespace LightFabric.Governance.Audit;

/// <summary>
/// The audit trail in SQLite (WAL): table <c>audit</c> with the record's JSON line and indexed columns for time,
/// subject, token id, target and outcome; table <c>audit_decision</c> with one row per policy decision, carrying the
/// record's time, target, subject and cost so the report reads that one table by its time index. The schema is created
/// on first write; readers opened with <see cref="OpenExisting"/> never create a file.
/// </summary>
public sealed class SqliteAuditStore : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            time INTEGER NOT NULL,
            subject TEXT,
            token_id TEXT,
            target TEXT NOT NULL,
            outcome TEXT NOT NULL,
            hash TEXT,
            record TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
        CREATE INDEX IF NOT EXISTS audit_subject ON audit (subject, time);
        CREATE INDEX IF NOT EXISTS audit_token ON audit (token_id, time);
        CREATE INDEX IF NOT EXISTS audit_target ON audit (target, time);
        CREATE INDEX IF NOT EXISTS audit_outcome ON audit (outcome, time);
        CREATE TABLE IF NOT EXISTS audit_decision (
            record_id TEXT NOT NULL,
            time INTEGER NOT NULL,
            policy TEXT NOT NULL,
            decision TEXT NOT NULL,
            mode TEXT NOT NULL,
            code TEXT,
            target TEXT NOT NULL,
            subject TEXT,
            cost INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_decision_time ON audit_decision (time);
        CREATE INDEX IF NOT EXISTS audit_decision_record ON audit_decision (record_id, decision);
        """;

    private const string InsertRecord = """
        INSERT OR IGNORE INTO audit (id, time, subject, token_id, target, outcome, hash, record)
        VALUES ($id, $time, $subject, $token, $target, $outcome, $hash, $record)
        """;

    private const string InsertDecision = """
        INSERT INTO audit_decision (record_id, time, policy, decision, mode, code, target, subject, cost)
        VALUES ($id, $time, $policy, $decision, $mode, $code, $target, $subject, $cost)
        """;

    private const string Report = """
        SELECT policy, target, subject, count(*),
               sum(decision = 'allowed'), sum(decision = 'denied'), sum(decision = 'would-deny'), sum(decision = 'soft-over'),
               sum(cost)
        FROM audit_decision WHERE time >= $since
        GROUP BY policy, target, subject
        ORDER BY policy, target, subject
        """;

    private readonly string _connectionString;
    private readonly bool _readOnly;
    private bool _created;

    /// <param name="path">The database file; it and its directory are created on the first write.</param>
    public SqliteAuditStore(string path) : this(path, readOnly: false)
    {
    }

    private SqliteAuditStore(string path, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _readOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = readOnly ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>A store for reading an existing database; throws <see cref="AuditStoreException"/> when the file is
    /// missing, so a query never leaves an empty database behind.</summary>
    public static SqliteAuditStore OpenExisting(string path)
    {
        var store = new SqliteAuditStore(path, readOnly: true);
        return File.Exists(store.Path)
            ? store
            : throw new AuditStoreException(store.Path, $"The audit database {store.Path} does not exist.");
    }

    /// <summary>Adds records (already sealed by the writer) in one transaction; a record whose id is already stored is
    /// skipped, so a retried batch is not stored twice.</summary>
    public Task InsertAsync(IReadOnlyList<AuditRecord> records, bool durable, CancellationToken cancellationToken) =>
        InsertAsync(records.Select(r => (r, AuditJson.Serialize(r))).ToList(), durable, cancellationToken);

    internal async Task InsertAsync(IReadOnlyList<(AuditRecord Record, byte[] Line)> batch, bool durable, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // In WAL, NORMAL may lose the last commits on power loss (never corrupts); strict durability wants FULL.
            Execute(connection, durable ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var record = Command(connection, transaction, InsertRecord, "$id", "$time", "$subject", "$token", "$target", "$outcome", "$hash", "$record");
            await using var decision = Command(connection, transaction, InsertDecision, "$id", "$time", "$policy", "$decision", "$mode", "$code", "$target", "$subject", "$cost");
            foreach (var (audit, line) in batch)
            {
                var time = audit.Time.ToUnixTimeMilliseconds();
                Bind(record, audit.Id, time, audit.Subject, audit.TokenId, audit.Target, audit.Outcome, audit.Hash, Encoding.UTF8.GetString(line));
                if (await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    continue;
                }

                foreach (var d in audit.Decisions)
                {
                    Bind(decision, audit.Id, time, d.Policy, d.Decision, d.Mode, d.Code, audit.Target, audit.Subject, audit.Cost);
                    await decision.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AuditWriteException(Path, $"The audit database {Path} could not be written: {ex.Message}", ex);
        }
    }

    internal async Task<bool> ContainsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM audit WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AuditWriteException(Path, $"The audit database {Path} could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>The hash of the newest stored record, or null when there is none (the chain's start when no JSONL
    /// directory is configured).</summary>
    internal async Task<string?> LastHashAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1";
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AuditWriteException(Path, $"The audit database {Path} could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>The records matching <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var sql = new StringBuilder("SELECT record FROM audit a WHERE 1 = 1");
        var parameters = new List<(string, object)>();
        if (query.Since is { } since)
        {
            sql.Append(" AND a.time >= $since");
            parameters.Add(("$since", since.ToUnixTimeMilliseconds()));
        }

        if (query.Subject is { } subject)
        {
            sql.Append(" AND a.subject = $subject");
            parameters.Add(("$subject", subject));
        }

        if (query.Target is { } target)
        {
            sql.Append(" AND a.target = $target");
            parameters.Add(("$target", target));
        }

        if (query.Decision is { } wanted)
        {
            sql.Append(" AND (EXISTS (SELECT 1 FROM audit_decision d WHERE d.record_id = a.id AND d.decision = $decision)");
            sql.Append(wanted == "denied" ? " OR a.outcome = 'denied')" : ")");
            parameters.Add(("$decision", wanted));
        }

        sql.Append(" ORDER BY a.time DESC, a.seq DESC LIMIT $limit");
        parameters.Add(("$limit", query.Limit));
        return await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql.ToString();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var records = new List<AuditRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(AuditJson.Deserialize(Encoding.UTF8.GetBytes(reader.GetString(0))));
            }

            return (IReadOnlyList<AuditRecord>)records;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decisions per policy × target × subject since <paramref name="since"/>.</summary>
    public async Task<AuditReport> ReportAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Report;
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            var rows = new List<AuditReportRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new AuditReportRow(
                    reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8)));
            }

            return new AuditReport(since, rows);
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the pooled connections, so the file is released.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new AuditStoreException(Path, $"The audit database {Path} could not be read: {ex.Message}", ex);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_readOnly && !_created && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_readOnly && !_created)
            {
                // WAL is a property of the file: set once, it holds for every connection that opens it.
                Execute(connection, "PRAGMA journal_mode = WAL;");
                Execute(connection, Schema);
                _created = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
