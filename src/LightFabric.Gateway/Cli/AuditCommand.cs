using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LightFabric.Governance.Audit;

namespace LightFabric.Gateway.Cli;

/// <summary><c>light-gateway audit verify|query|report</c>: checks and reads the audit trail.</summary>
public static partial class AuditCommand
{
    public const string Usage = """
        Usage:
          light-gateway audit verify FILE|DIR...          check the hash chain across the JSONL files (a directory means its *.jsonl);
                                                          rotated files are taken in date order, audit.jsonl last
          light-gateway audit query [--db data/audit.db] [--since 24h] [--subject X] [--tool T] [--decision D] [--limit 100] [--json]
                                                          records newest first; --decision matches any policy decision
                                                          (allowed, denied, would-deny, soft-over), denied also a denied outcome
          light-gateway audit report [--db data/audit.db] [--since 24h] [--json]
                                                          calls, allowed, denied, would-deny, soft-over and cost per policy,
                                                          target and subject: read it before switching a policy to control
        --since takes a duration (30m, 24h, 7d, 90s) or an ISO-8601 time.
        """;

    private const string DefaultDatabase = "data/audit.db";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            await (args.Count == 0 ? stderr : stdout).WriteLineAsync(Usage);
            return args.Count == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }

        try
        {
            return args[0] switch
            {
                "verify" => await VerifyAsync(args.Skip(1).ToList(), stdout, stderr),
                "query" => await QueryAsync(Options.Parse(args.Skip(1), time, query: true), stdout, stderr),
                "report" => await ReportAsync(Options.Parse(args.Skip(1), time, query: false), stdout, stderr),
                _ => throw new ArgumentException($"unknown audit command '{args[0]}'"),
            };
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"light-gateway audit: {ex.Message}\n\n{Usage}");
            return ExitCodes.Usage;
        }
        catch (AuditStoreException ex)
        {
            await stderr.WriteLineAsync($"light-gateway audit: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>30m, 24h, 7d, 90s, or an ISO-8601 time: the start of the window.</summary>
    public static DateTimeOffset ParseSince(string text, TimeProvider time)
    {
        var match = DurationPattern().Match(text);
        if (match.Success)
        {
            var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                _ => TimeSpan.FromDays(1),
            };
            if (amount <= 0 || amount > TimeSpan.MaxValue.Ticks / unit.Ticks / 2)
            {
                throw new ArgumentException($"--since '{text}' is out of range");
            }

            return time.GetUtcNow() - (unit * amount);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new ArgumentException($"--since '{text}' is neither a duration (30m, 24h, 7d) nor an ISO-8601 time");
    }

    private static async Task<int> VerifyAsync(List<string> paths, TextWriter stdout, TextWriter stderr)
    {
        if (paths.Count == 0)
        {
            throw new ArgumentException("verify needs at least one file");
        }

        var files = new List<string>();
        foreach (var path in paths)
        {
            if (path.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unknown option '{path}' for verify");
            }

            if (Directory.Exists(path))
            {
                files.AddRange(Directory.GetFiles(path, "*.jsonl"));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                await stderr.WriteLineAsync($"{path}: no such file");
                return ExitCodes.Failed;
            }
        }

        if (files.Count == 0)
        {
            await stderr.WriteLineAsync($"light-gateway audit: no .jsonl files in {string.Join(", ", paths)}");
            return ExitCodes.Failed;
        }

        var result = AuditVerifier.Verify(files);
        if (!result.Ok)
        {
            await stderr.WriteLineAsync(result.Line is { } line ? $"{result.File}:{line}: {result.Reason}" : $"{result.File}: {result.Reason}");
            await stderr.WriteLineAsync($"{result.Records} records verified before it");
            return ExitCodes.Failed;
        }

        var start = result.Records == 0 || result.StartsAtGenesis ? "" : $" (continuing from {result.FirstPrevHash![..12]}…, in a file not given)";
        await stdout.WriteLineAsync($"{result.Records} records, chain intact{start}");
        return ExitCodes.Ok;
    }

    private static async Task<int> QueryAsync(Options options, TextWriter stdout, TextWriter stderr)
    {
        using var store = SqliteAuditStore.OpenExisting(options.Database);
        var records = await store.QueryAsync(new AuditQuery
        {
            Since = options.Since,
            Subject = options.Subject,
            Target = options.Tool,
            Decision = options.Decision,
            Limit = options.Limit,
        }, CancellationToken.None);
        if (options.Json)
        {
            foreach (var record in records)
            {
                await stdout.WriteLineAsync(Encoding.UTF8.GetString(AuditJson.Serialize(record)));
            }

            return ExitCodes.Ok;
        }

        if (records.Count == 0)
        {
            await stderr.WriteLineAsync($"no audit records since {options.Since:u}");
            return ExitCodes.Ok;
        }

        string[] header = ["TIME", "OUTCOME", "METHOD", "TARGET", "SUBJECT", "COST", "MS", "DECISIONS"];
        var rows = records.Select(r => new[]
        {
            r.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            r.Outcome,
            r.Method,
            r.Target,
            r.Subject ?? "-",
            r.Cost.ToString(CultureInfo.InvariantCulture),
            r.LatencyMs.ToString("0.#", CultureInfo.InvariantCulture),
            r.Decisions.Count == 0 ? "-" : string.Join(" ", r.Decisions.Select(d => d.Code is null ? $"{d.Policy}:{d.Decision}" : $"{d.Policy}:{d.Decision}({d.Code})")),
        });
        await WriteTableAsync(stdout, header, rows, numeric: 5);
        return ExitCodes.Ok;
    }

    private static async Task<int> ReportAsync(Options options, TextWriter stdout, TextWriter stderr)
    {
        using var store = SqliteAuditStore.OpenExisting(options.Database);
        var report = await store.ReportAsync(options.Since, CancellationToken.None);
        if (options.Json)
        {
            foreach (var row in report.Rows)
            {
                await stdout.WriteLineAsync(ReportJson(row));
            }

            return ExitCodes.Ok;
        }

        if (report.Rows.Count == 0)
        {
            await stderr.WriteLineAsync($"no policy decisions since {options.Since:u}");
            return ExitCodes.Ok;
        }

        string[] header = ["POLICY", "TARGET", "SUBJECT", "CALLS", "ALLOWED", "DENIED", "WOULD-DENY", "SOFT-OVER", "COST"];
        var rows = report.Rows.Select(r => new[]
        {
            r.Policy, r.Target, r.Subject ?? "-",
            Number(r.Calls), Number(r.Allowed), Number(r.Denied), Number(r.WouldDeny), Number(r.SoftOver), Number(r.Cost),
        });
        await WriteTableAsync(stdout, header, rows, numeric: 3);
        return ExitCodes.Ok;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ReportJson(AuditReportRow row)
    {
        // Written by hand: the gateway stays free of reflection-based serialization.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("policy", row.Policy);
            json.WriteString("target", row.Target);
            if (row.Subject is not null)
            {
                json.WriteString("subject", row.Subject);
            }

            json.WriteNumber("calls", row.Calls);
            json.WriteNumber("allowed", row.Allowed);
            json.WriteNumber("denied", row.Denied);
            json.WriteNumber("wouldDeny", row.WouldDeny);
            json.WriteNumber("softOver", row.SoftOver);
            json.WriteNumber("cost", row.Cost);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Columns from `numeric` on are right-aligned, except the last (free text) column.
    private static async Task WriteTableAsync(TextWriter stdout, string[] header, IEnumerable<string[]> rows, int numeric)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                var last = i == row.Length - 1;
                var right = i >= numeric && !(last && header[^1] == "DECISIONS");
                line.Append(last && !right ? row[i] : right ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
                if (!last)
                {
                    line.Append("  ");
                }
            }

            await stdout.WriteLineAsync(line.ToString().TrimEnd());
        }
    }

    [GeneratedRegex(@"^(\d+)(s|m|h|d)$")]
    private static partial Regex DurationPattern();

    private sealed record Options(string Database, DateTimeOffset Since, string? Subject, string? Tool, string? Decision, int Limit, bool Json)
    {
        public static Options Parse(IEnumerable<string> args, TimeProvider time, bool query)
        {
            var database = DefaultDatabase;
            var since = time.GetUtcNow() - TimeSpan.FromHours(24);
            string? subject = null, tool = null, decision = null;
            var limit = 100;
            var json = false;
            var list = args.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var name = list[i];
                if (name == "--json")
                {
                    json = true;
                    continue;
                }

                var queryOnly = name is "--subject" or "--tool" or "--decision" or "--limit";
                if (!(name is "--db" or "--since" || (query && queryOnly)))
                {
                    throw new ArgumentException(name.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{name}'");
                }

                if (i + 1 >= list.Count || list[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{name} needs a value");
                }

                var value = list[++i];
                switch (name)
                {
                    case "--db":
                        database = value;
                        break;
                    case "--since":
                        since = ParseSince(value, time);
                        break;
                    case "--subject":
                        subject = value;
                        break;
                    case "--tool":
                        tool = value;
                        break;
                    case "--decision":
                        decision = value;
                        break;
                    default:
                        limit = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                            ? n
                            : throw new ArgumentException($"--limit '{value}' is not a positive number");
                        break;
                }
            }

            return new Options(database, since, subject, tool, decision, limit, json);
        }
    }
}
