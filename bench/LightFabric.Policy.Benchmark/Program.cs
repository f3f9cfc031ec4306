using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Benchmark;
using LightFabric.Policy.Benchmark;
using LightFabric.Testing;
using Microsoft.Data.Sqlite;

// Policy overhead of one tools/call: the same gateway and upstream without policy (A) and with JWT security plus
// light-rule access control (B; C = B without the verified-token cache; D = B without access control, to tell the
// JWT's share from the rules'), and B governed by the call pipeline: budget (SQLite ledger) + audit trail, batched
// (E); the same with the Redis ledger (F); with strict audit (G). Measured in one run, interleaved, at concurrency 1
// and then 16. Then the policy's components in-process. See run.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchArgs.Parse(args);
var componentWarmup = TimeSpan.FromSeconds(Number("--component-warmup", 1));
var componentBatches = (int)Number("--component-batches", 41);
if (args.Contains("--components"))
{
    // Child mode: only the in-process component measurements, answered as one JSON line.
    var measured = await ComponentBenchmarks.RunAsync(componentWarmup, componentBatches);
    Console.WriteLine("COMPONENTS " + ComponentBenchmarks.ToJson(measured));
    return 0;
}

var binary = Path.GetFullPath(options.GetValueOrDefault("--binary") ?? throw new ArgumentException("--binary PATH is required"));
var segments = (int)Number("--segments", 20);
var segmentLength = TimeSpan.FromSeconds(Number("--segment-seconds", 1));
var warmup = TimeSpan.FromSeconds(Number("--warmup", 5));
var warmupRounds = (int)Math.Ceiling(warmup / segmentLength);
var concurrency = (int)Number("--concurrency", 16);
// C and D explain B's overhead (JWT against rules); the governed targets are compared with B, so they may be left out.
var withJwtVariants = !options.ContainsKey("--no-jwt-variants");
var output = options.GetValueOrDefault("--out");
var command = options.GetValueOrDefault("--command") ?? "bash bench/LightFabric.Policy.Benchmark/run.sh";
var revision = options.GetValueOrDefault("--revision") ?? "unknown";
var loadAtStart = BenchMachine.LoadAverage();

await using var issuer = await TokenIssuer.StartAsync();
await using var upstream = await FastUpstream.StartAsync();
await using var redis = await RedisServer.StartNewAsync();
Console.WriteLine($"upstream: {upstream.Url}; key server: {issuer.BaseUrl}; redis-server: {redis.Url} (pid {redis.ProcessId})");
// Each governed target's budget ledger, audit JSONL files and audit database, in a folder of its own.
var dataDirectories = new Dictionary<string, string>();
string DataDirectory(string name) => dataDirectories[name] = Directory.CreateTempSubdirectory($"lf-policy-bench-{name}-").FullName;
var specs = new List<(string Name, string Description, Dictionary<string, string> Config, int Rows, bool Governed)>
{
    ("A", "chain `[mcp]`, no policy", PolicyConfig.Plain(upstream.Url), PolicyConfig.AllRows, false),
    ("B", "chain `[security, mcp]`: JWT RS256 (JWKS key cached, security.yml's verified-token cache on — the default) + access control (2 req-acc, all; 1 res-fil) — **rules only**", PolicyConfig.Secured(upstream.Url, issuer.BaseUrl, tokenCache: true), PolicyConfig.VisibleRows, false),
};
if (withJwtVariants)
{
    specs.Add(("C", "as B with `security.enableJwtCache: false`: the RS256 signature is verified on every call (JWKS key cached)", PolicyConfig.Secured(upstream.Url, issuer.BaseUrl, tokenCache: false), PolicyConfig.VisibleRows, false));
    specs.Add(("D", "as B without access control (JWT only): tells the JWT's share of B's overhead from the rules'", PolicyConfig.Secured(upstream.Url, issuer.BaseUrl, tokenCache: true, accessControl: false), PolicyConfig.AllRows, false));
}

specs.Add(("E", "as B with chain `[security, budget, audit, mcp]`: budget on the **SQLite** ledger (cost 1 per call, receipts) + audit trail (JSONL + SQLite), **batched**", PolicyConfig.Governed(upstream.Url, issuer.BaseUrl, DataDirectory("E"), "sqlite", null, "batched"), PolicyConfig.VisibleRows, true));
specs.Add(("F", "as E with the **Redis** ledger (a redis-server started by this program, no persistence)", PolicyConfig.Governed(upstream.Url, issuer.BaseUrl, DataDirectory("F"), "redis", redis.Url, "batched"), PolicyConfig.VisibleRows, true));
specs.Add(("G", "as E with **strict** audit: an answer waits until its record is fsynced to the JSONL file and committed to SQLite", PolicyConfig.Governed(upstream.Url, issuer.BaseUrl, DataDirectory("G"), "sqlite", null, "strict"), PolicyConfig.VisibleRows, true));

var gateways = new List<GatewayProcess>();
foreach (var spec in specs)
{
    gateways.Add(await GatewayProcess.StartAsync(binary, spec.Config));
}

Console.WriteLine("gateways: " + string.Join(", ", gateways.Select((g, i) => $"{specs[i].Name} {g.BaseUrl} (pid {g.ProcessId})")));

var token = issuer.Token(PolicyConfig.Role);
// One client for every target, so each call carries the same Authorization header; A has no handler that reads it.
using var http = NewHttpClient(token);
var endpoints = gateways.Select(g => new Uri(g.BaseUrl.TrimEnd('/') + "/mcp")).ToArray();
// tools/call requests the checks sent to each gateway: the audit trail holds a record of each.
var checkCalls = new long[endpoints.Length];

// A benchmark of a policy that does nothing is worthless: before measuring, every gateway must answer as configured.
var checks = new List<string>();
foreach (var endpoint in endpoints)
{
    await WaitForAccountsAsync(http, endpoint);
}

await CheckAsync("A answers a call without any token, unfiltered", async () =>
{
    using var anonymous = NewHttpClient(null);
    var answer = await CallAccountsAsync(anonymous, 0);
    return Rows(answer) == PolicyConfig.AllRows ? null : $"expected {PolicyConfig.AllRows} rows: {answer}";
});
for (var i = 1; i < specs.Count; i++)
{
    var (label, endpoint, index) = (specs[i].Name, endpoints[i], i);
    await CheckAsync($"{label}: no token → HTTP 401", async () =>
    {
        using var anonymous = NewHttpClient(null);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"lf-policy-bench","version":"1.0"}}}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        using var response = await anonymous.SendAsync(request);
        return response.StatusCode == HttpStatusCode.Unauthorized ? null : $"got {(int)response.StatusCode}";
    });
    if (label == "D")
    {
        await CheckAsync("D: the analyst's token → all rows (no access control)", async () =>
        {
            var answer = await CallAccountsAsync(http, index);
            return Rows(answer) == PolicyConfig.AllRows ? null : $"expected {PolicyConfig.AllRows} rows: {answer}";
        });
        continue;
    }

    await CheckAsync($"{label}: token without a role claim → -32001 from allow-role-based-access-control.lightapi.net", async () =>
    {
        using var client = NewHttpClient(issuer.Token(role: null));
        return Denied(await CallAccountsAsync(client, index), "allow-role-based-access-control.lightapi.net");
    });
    await CheckAsync($"{label}: token of another tenant → -32001 from tenant-is-bench (the CEL rule)", async () =>
    {
        using var client = NewHttpClient(issuer.Token(PolicyConfig.Role, tenant: "other"));
        return Denied(await CallAccountsAsync(client, index), "tenant-is-bench");
    });
    await CheckAsync($"{label}: the analyst's token → only the {PolicyConfig.VisibleRows} rows of owner alice, in structuredContent and in the text mirror", async () =>
    {
        var answer = await CallAccountsAsync(http, index);
        var result = JsonNode.Parse(answer)?["result"];
        var items = result?["structuredContent"]?["items"]?.AsArray();
        var mirrored = JsonNode.Parse(result?["content"]?[0]?["text"]?.GetValue<string>() ?? "null")?["items"]?.AsArray();
        var ok = items is { Count: PolicyConfig.VisibleRows } && items.All(r => r?["owner"]?.GetValue<string>() == "alice")
            && mirrored is { Count: PolicyConfig.VisibleRows } && mirrored.All(r => r?["owner"]?.GetValue<string>() == "alice");
        return ok ? null : $"not filtered as configured: {answer}";
    });
    if (!specs[i].Governed)
    {
        continue;
    }

    await CheckAsync($"{label}: the analyst's call carries the receipt `_meta[\"io.lightfabric/budget\"]` with cost 1 and credits left below {PolicyConfig.UnlimitedCredits}", async () =>
    {
        var answer = await CallAccountsAsync(http, index);
        var receipt = JsonNode.Parse(answer)?["result"]?["_meta"]?["io.lightfabric/budget"];
        var cost = receipt?["cost"]?.GetValue<long>();
        var remaining = receipt?["remaining"]?.GetValue<long>();
        return cost == 1 && remaining is > 0 and < PolicyConfig.UnlimitedCredits ? null : $"no receipt as expected: {answer}";
    });
    await CheckAsync($"{label}: subject {PolicyConfig.LimitedSubject} with a limit of 1 → its first call answered (0 credits left), its second -32000 \"Budget exhausted\"", async () =>
    {
        using var client = NewHttpClient(issuer.Token(PolicyConfig.Role, clientId: PolicyConfig.LimitedSubject));
        var session = new McpClient(client, endpoint);
        await session.InitializeAsync();
        var (_, first) = await session.PostAsync(session.ToolCallBody("accounts"));
        var (_, second) = await session.PostAsync(session.ToolCallBody("accounts"));
        checkCalls[index] += 2;
        await session.DeleteAsync();
        var firstRemaining = JsonNode.Parse(first)?["result"]?["_meta"]?["io.lightfabric/budget"]?["remaining"]?.GetValue<long>();
        var error = JsonNode.Parse(second)?["error"];
        return firstRemaining == 0 && error?["code"]?.GetValue<int>() == -32000 && error["message"]?.GetValue<string>() == "Budget exhausted"
            ? null
            : $"first: {Encoding.UTF8.GetString(first)}; second: {Encoding.UTF8.GetString(second)}";
    });
}

// Two phases over the same gateways: one session per target at concurrency 1, then a set of sessions of its own per
// target at the higher concurrency, each phase interleaved the same way.
Target NewTarget(int i, int sessions) => new(specs[i].Name, specs[i].Description, gateways[i],
    Enumerable.Range(0, sessions).Select(_ => new McpClient(http, endpoints[i])).ToArray(), specs[i].Rows, specs[i].Governed)
{
    SideCpuTime = specs[i].Name == "F" ? () => redis.CpuTime : null,
};
var targets = Enumerable.Range(0, specs.Count).Select(i => NewTarget(i, 1)).ToArray();
var concurrent = Enumerable.Range(0, specs.Count).Select(i => NewTarget(i, concurrency)).ToArray();
foreach (var client in targets.Concat(concurrent).SelectMany(t => t.Clients))
{
    await client.InitializeAsync();
}

var jwksBefore = issuer.JwksRequests;
Console.WriteLine($"measuring at concurrency 1: {warmupRounds} warm-up rounds, then {segments} rounds of {segmentLength.TotalSeconds:0.#} s per target");
await InterleavedRun.RunAsync(targets, warmupRounds, segments, segmentLength);
Print(targets);
Console.WriteLine($"measuring at concurrency {concurrency}: {warmupRounds} warm-up rounds, then {segments} rounds of {segmentLength.TotalSeconds:0.#} s per target");
await InterleavedRun.RunAsync(concurrent, warmupRounds, segments, segmentLength);
Print(concurrent);
var jwksDuring = issuer.JwksRequests - jwksBefore;
foreach (var client in targets.Concat(concurrent).SelectMany(t => t.Clients))
{
    await client.DeleteAsync();
}

var loadAfterMeasuring = BenchMachine.LoadAverage();

// The audit trails, read while their gateways are idle: batched records are committed within flushIntervalMs (100 ms).
await Task.Delay(TimeSpan.FromSeconds(1.5));
var trails = new List<(string Name, long Sent, long Rows, int VerifyExit, string VerifyOutput, bool Ok)>();
for (var i = 0; i < specs.Count; i++)
{
    if (!specs[i].Governed)
    {
        continue;
    }

    var name = specs[i].Name;
    var sent = targets[i].CallsSent + concurrent[i].CallsSent + checkCalls[i];
    var rows = CountAuditRows(PolicyConfig.AuditDatabase(dataDirectories[name]));
    var (exit, verified) = await VerifyAuditAsync(PolicyConfig.AuditDirectory(dataDirectories[name]));
    var ok = exit == 0 && verified.Contains($"{rows} records, chain intact", StringComparison.Ordinal) && Math.Abs(rows - sent) <= Math.Max(5, sent / 1000);
    trails.Add((name, sent, rows, exit, verified, ok));
    Console.WriteLine($"{name}: {sent} tools/call sent, {rows} audit rows; audit verify exit {exit}: {verified}{(ok ? "" : " — CHECK FAILED")}");
}

foreach (var gateway in gateways)
{
    // Stopped before the component measurements, so those have the cores.
    await gateway.DisposeAsync();
}

await redis.DisposeAsync();
foreach (var directory in dataDirectories.Values)
{
    Directory.Delete(directory, recursive: true);
}

Console.WriteLine("components (child process, workstation non-concurrent GC as the gateway):");
var components = await RunComponentsAsync();
var a = targets[0];
var b = targets[1];
Target? Find(Target[] set, string name) => set.FirstOrDefault(t => t.Name == name);
var budgetBatched = Overhead(Find(targets, "E")!, b);
var budgetRedis = Overhead(Find(targets, "F")!, b);
var budgetStrict = Overhead(Find(targets, "G")!, b);
var policy = Overhead(b, a);
Console.WriteLine($"policy overhead p50 at concurrency 1: B − A {policy.P50:0.0} µs (target ≤ 20 µs); E − B {budgetBatched.P50:0.0} µs, F − B {budgetRedis.P50:0.0} µs (≤ 30 µs); G − B {budgetStrict.P50:0.0} µs (≤ 2000 µs)");

if (output is not null)
{
    await File.WriteAllTextAsync(output, Report());
    Console.WriteLine($"wrote {output}");
}

return targets.Concat(concurrent).Any(t => t.Errors > 0) || trails.Any(t => !t.Ok) ? 1 : 0;

void Print(IEnumerable<Target> set)
{
    foreach (var target in set)
    {
        var s = Stats(target);
        Console.WriteLine($"{target.Name} ×{target.Concurrency}: {target.Samples.Count} calls, errors {target.Errors}, p50 {s.P50:0.0} µs, p90 {s.P90:0.0} µs, p99 {s.P99:0.0} µs, gateway CPU {GatewayCpuPerCall(target):0.0} µs/call{(target.LastError is null ? "" : "; last error: " + target.LastError)}");
    }
}

string Report()
{
    var text = new StringBuilder();
    var names = string.Join(" ", targets.Select(t => t.Name));
    var reversed = string.Join(" ", targets.Reverse().Select(t => t.Name));
    text.AppendLine("# Policy overhead per tools/call: JWT + light-rule access control, budget and audit trail through light-gateway");
    text.AppendLine();
    text.AppendLine($"Command: `{command}`  ");
    text.AppendLine($"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  ");
    text.AppendLine($"Machine: {BenchMachine.Describe()}; load average at start: {loadAtStart}, after the latency runs: {loadAfterMeasuring}  ");
    text.AppendLine($"Gateway build: published from a clean clone of {revision} (Release, ReadyToRun), {targets.Length} child processes of this program, `LIGHT_LOG=warn,LightFabric.Runtime=info`, the gateway's shipped GC settings (workstation, non-concurrent)  ");
    text.AppendLine("Upstream: the tools/call benchmark's in-process Kestrel MCP server (`bench/LightFabric.Mcp.Benchmark/FastUpstream.cs`), `transport: http`, tool `accounts`: five rows `{id, name, balance, owner}` as `structuredContent.items` plus the same JSON as text  ");
    text.AppendLine($"Caller: an RS256 token (RSA-2048 key made at the start of the run, never stored; JWKS served by this program) with `role: analyst`, `tenant: bench`, `client_id: {PolicyConfig.Subject}` (the budget's subject); the same `Authorization: Bearer` header goes to every target  ");
    text.AppendLine($"Governed targets' files: each of E, F, G has a temp folder of its own for its budget ledger (E, G), audit JSONL files and audit database, on the machine's disk (`{Path.GetTempPath()}`); F's ledger is a redis-server on 127.0.0.1 started by this program (`--save \"\" --appendonly no`)  ");
    text.AppendLine($"Method: closed loop, in two phases over the same gateways. Concurrency 1: one MCP session per target. Concurrency {concurrency}: {concurrency} further sessions per target, each driven by its own caller, all {concurrency} at once. In each phase {warmupRounds} unrecorded warm-up round(s), then {segments} rounds in which each target gets {segmentLength.TotalSeconds:0.#} s in turn ({names}, then {reversed}, …), so machine noise falls on all targets alike; latency is the client-side time of one `tools/call` HTTP request/response; every answer is checked afterwards (HTTP 200, a result that is not an error, 5 rows from A and D, 3 from the others, and from E, F, G the budget's receipt with cost 1) and a wrong one counts as an error, not as a sample");
    text.AppendLine();
    text.AppendLine("| target | configuration |");
    text.AppendLine("|---|---|");
    foreach (var t in targets)
    {
        text.AppendLine($"| {t.Name} | {t.Description} |");
    }

    text.AppendLine();
    text.AppendLine("## Enforcement, checked before measuring (the run stops if any fails)");
    text.AppendLine();
    foreach (var check in checks)
    {
        text.AppendLine($"- {check}: passed");
    }

    text.AppendLine($"- JWKS requests to the key server while measuring: {jwksDuring} (the key stays cached)");
    text.AppendLine();
    text.AppendLine("## Audit trails, checked after measuring");
    text.AppendLine();
    text.AppendLine("Every tools/call the benchmark sent to a governed gateway (warm-up and checks included) must be one record: rows of");
    text.AppendLine("table `audit` in its database (counted with Microsoft.Data.Sqlite), and the JSONL files must pass");
    text.AppendLine("`light-gateway audit verify DIR` (the published binary) with as many records. Read 1.5 s after the last call.");
    text.AppendLine();
    text.AppendLine("| target | tools/call sent | audit rows | `audit verify` | result |");
    text.AppendLine("|---|---:|---:|---|---|");
    foreach (var t in trails)
    {
        text.AppendLine($"| {t.Name} | {t.Sent} | {t.Rows} | exit {t.VerifyExit}: {t.VerifyOutput.Trim().Replace("\n", " ")} | {(t.Ok ? "passed" : "**failed**")} |");
    }

    foreach (var set in new[] { targets, concurrent })
    {
        var rulesOnly = set[1];
        text.AppendLine();
        text.AppendLine($"## tools/call latency, concurrency {set[0].Concurrency}");
        text.AppendLine();
        text.AppendLine("| target | calls | errors | p50 | p90 | p99 | gateway CPU per call | p50 − B | CPU per call − B | bench CPU | other CPU |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var t in set)
        {
            var s = Stats(t);
            var seconds = t.Measured.TotalSeconds;
            var other = (t.MachineBusySeconds - t.BenchCpuSeconds - t.GatewayCpu.TotalSeconds - t.SideCpu.TotalSeconds) / seconds * 100;
            var o = Overhead(t, rulesOnly);
            var side = t.SideCpuTime is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (+ {t.SideCpu.TotalMicroseconds / Math.Max(1, t.Samples.Count):0.0} µs redis-server)");
            var difference = ReferenceEquals(t, rulesOnly) ? "—" : string.Create(CultureInfo.InvariantCulture, $"{o.P50:+0.0;-0.0} µs");
            var cpuDifference = ReferenceEquals(t, rulesOnly) ? "—" : string.Create(CultureInfo.InvariantCulture, $"{o.Cpu:+0.0;-0.0} µs");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t.Name} | {t.Samples.Count} | {t.Errors} | {s.P50:0.0} µs | {s.P90:0.0} µs | {s.P99:0.0} µs | {GatewayCpuPerCall(t):0.0} µs{side} | {difference} | {cpuDifference} | {t.BenchCpuSeconds / seconds * 100:0} % | {other:0} % |"));
        }
    }

    text.AppendLine();
    text.AppendLine("Percentiles over all recorded calls of a target. Gateway CPU per call: the gateway process's CPU time during its");
    text.AppendLine("segments divided by its calls (for F also redis-server's, in brackets). − B: the difference against B, rules only.");
    text.AppendLine("Bench CPU: this program (client + upstream + key server) as % of one core; other: the rest of the machine (from");
    text.AppendLine("/proc/stat) during those segments — work that was not part of the benchmark (the audit writer's disk flushes count");
    text.AppendLine($"there when the kernel does them). At concurrency {concurrency} the {concurrency} callers, the upstream and the gateway share 2 cores, so latency");
    text.AppendLine("is mostly queueing for a core: the CPU per call columns are the comparable figures there.");
    text.AppendLine();
    text.AppendLine("## Overhead");
    text.AppendLine();
    text.AppendLine("| comparison | concurrency | p50 difference | p90 difference | p99 difference | per-round p50 difference: median (min … max) | gateway CPU per call difference |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var set in new[] { targets, concurrent })
    {
        var comparisons = new List<(string Label, string With, string Without)>
        {
            ("**B − A: JWT with the token cache + 2 req-acc + 1 res-fil**", "B", "A"),
        };
        if (withJwtVariants)
        {
            comparisons.Add(("C − A: JWT verified on every call + the same rules", "C", "A"));
            comparisons.Add(("D − A: JWT with the token cache only", "D", "A"));
            comparisons.Add(("B − D: the rules only (2 req-acc + 1 res-fil)", "B", "D"));
        }

        comparisons.Add(("**E − B: budget (SQLite ledger) + audit (batched)**", "E", "B"));
        comparisons.Add(("**F − B: budget (Redis ledger) + audit (batched)**", "F", "B"));
        comparisons.Add(("**G − B: budget (SQLite ledger) + audit (strict)**", "G", "B"));
        comparisons.Add(("F − E: the Redis ledger instead of SQLite", "F", "E"));
        comparisons.Add(("G − E: strict audit instead of batched", "G", "E"));
        foreach (var (label, with, without) in comparisons)
        {
            var o = Overhead(Find(set, with)!, Find(set, without)!);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {set[0].Concurrency} | **{o.P50:0.0} µs** | {o.P90:0.0} µs | {o.P99:0.0} µs | {o.RoundMedian:0.0} µs ({o.RoundMin:0.0} … {o.RoundMax:0.0}) | {o.Cpu:0.0} µs |"));
        }
    }

    text.AppendLine();
    text.AppendLine("Per-round difference: the p50 of a target's segment minus the p50 of the other's segment in the same round; its spread");
    text.AppendLine("shows how much of a single-segment comparison is noise. Gateway CPU per call difference: the same comparison in the");
    text.AppendLine("gateways' CPU time, which does not grow when the gateway waits for a core. On a shared 2-core machine the p50");
    text.AppendLine("differences move from run to run with the other load (see \"other CPU\"); the CPU-time difference is the steadier figure.");
    text.AppendLine();
    text.AppendLine("## Targets");
    text.AppendLine();
    var policyCpu = Overhead(b, a).Cpu;
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- Policy overhead per tools/call with JWT (cached key), two req-acc rules and one res-fil rule ≤ 20 µs p50 over the call without policy, concurrency 1: **{(policy.P50 <= 20 ? "met" : "missed")}** ({policy.P50:0.0} µs, B − A; gateway CPU per call {policyCpu:0.0} µs)"));
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- Budget + batched audit ≤ 30 µs p50 over rules only, concurrency 1: SQLite ledger **{(budgetBatched.P50 <= 30 ? "met" : "missed")}** ({budgetBatched.P50:0.0} µs, E − B; gateway CPU per call {budgetBatched.Cpu:0.0} µs); Redis ledger **{(budgetRedis.P50 <= 30 ? "met" : "missed")}** ({budgetRedis.P50:0.0} µs, F − B; gateway CPU per call {budgetRedis.Cpu:0.0} µs)"));
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- Budget + strict audit ≤ 2 ms p50 over rules only, concurrency 1: **{(budgetStrict.P50 <= 2000 ? "met" : "missed")}** ({budgetStrict.P50:0.0} µs, G − B; gateway CPU per call {budgetStrict.Cpu:0.0} µs)"));
    var e16 = Overhead(Find(concurrent, "E")!, concurrent[1]);
    var f16 = Overhead(Find(concurrent, "F")!, concurrent[1]);
    var g16 = Overhead(Find(concurrent, "G")!, concurrent[1]);
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- The same at concurrency {concurrency} (p50, queueing included): E − B {e16.P50:0.0} µs, F − B {f16.P50:0.0} µs, G − B {g16.P50:0.0} µs; gateway CPU per call E − B {e16.Cpu:0.0} µs, F − B {f16.Cpu:0.0} µs, G − B {g16.Cpu:0.0} µs"));
    text.AppendLine();
    text.AppendLine("## Components, in-process");
    text.AppendLine();
    text.AppendLine("The gateway's own types on the rule.yml above, one operation at a time on one thread, in a child process with the");
    text.AppendLine($"gateway's GC settings: {componentWarmup.TotalSeconds:0.#} s warm-up per row, then {componentBatches} batches of about 20 ms. CPU ns/op: the median batch timed");
    text.AppendLine("with the thread's CPU clock, which does not count time the thread was preempted by other work on the machine (min: the");
    text.AppendLine("fastest batch); wall ns/op: the median batch by the wall clock; allocated: bytes per operation over all batches.");
    text.AppendLine();
    text.AppendLine("| component | runs in | CPU ns/op | min | wall ns/op | allocated/op |");
    text.AppendLine("|---|---|---:|---:|---:|---:|");
    foreach (var r in components)
    {
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.PerCall} | {r.CpuNs:0} | {r.CpuMinNs:0} | {r.WallNs:0} | {r.BytesPerOp:0} B |"));
    }

    ComponentResult? Row(string prefix) => components.FirstOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal));
    var handlerNs = Row("SecurityHandler")?.CpuNs ?? double.NaN;
    var bindingNs = Row("McpCallerIdentity")?.CpuNs ?? double.NaN;
    var bindingBytes = Row("McpCallerIdentity")?.BytesPerOp ?? double.NaN;
    var policyNs = Row("RuleToolCallPolicy")?.CpuNs ?? double.NaN;
    var harnessNs = Row("(harness) copy")?.CpuNs ?? double.NaN;
    var jwtNs = Row("JwtValidator")?.CpuNs ?? double.NaN;
    var handlerBytes = Row("SecurityHandler")?.BytesPerOp ?? double.NaN;
    var policyBytes = Row("RuleToolCallPolicy")?.BytesPerOp ?? double.NaN;
    var harnessBytes = Row("(harness) copy")?.BytesPerOp ?? double.NaN;
    var sqliteStep = Row("CallPipeline.RunAsync + BudgetStep, SqliteBudgetLedger");
    var recordOf = Row("AuditRecorder.RecordOf");
    text.AppendLine();
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"In-process work B adds per call (CPU): the security handler with a cache hit ({handlerNs / 1000:0.0} µs) + the session binding ({bindingNs / 1000:0.0} µs) + the access-control step without the harness copy ({(policyNs - harnessNs) / 1000:0.0} µs) = **{(handlerNs + bindingNs + policyNs - harnessNs) / 1000:0.0} µs**, allocating {(handlerBytes + bindingBytes + policyBytes - harnessBytes) / 1024:0.0} KiB; C adds the signature check ({jwtNs / 1000:0.0} µs) on top. End to end, B − A was {policy.P50:0.0} µs at p50 and {policyCpu:0.0} µs of gateway CPU per call; that difference also holds what these rows leave out (the security handler's place in the chain, the router's policy input, the GC work for those allocations) and the run's noise."));
    text.AppendLine();
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"In-process work E adds per call on this thread: the pipeline with the budget on the SQLite ledger ({sqliteStep?.CpuNs / 1000:0.0} µs CPU, {sqliteStep?.WallNs / 1000:0.0} µs wall, {sqliteStep?.BytesPerOp / 1024:0.0} KiB) + the audit record ({recordOf?.CpuNs / 1000:0.0} µs, {recordOf?.BytesPerOp / 1024:0.0} KiB); the audit writer's own loop (serializing, hashing, the JSONL write and the SQLite insert of each record) runs on another thread and is in the gateway CPU per call but not in these rows. End to end, E − B was {budgetBatched.P50:0.0} µs at p50 and {budgetBatched.Cpu:0.0} µs of gateway CPU per call."));
    text.AppendLine();
    text.AppendLine("## Configuration");
    text.AppendLine();
    text.AppendLine("`config/values.yml` of B (A has only the server, handler and `mcp-router` lines, with chain `[mcp]`; D has no `access-control` lines and no rule.yml):");
    text.AppendLine();
    text.AppendLine("```yaml");
    text.AppendLine(PolicyConfig.Secured("http://127.0.0.1:PORT/mcp", "http://127.0.0.1:PORT", tokenCache: true)["values.yml"].TrimEnd());
    text.AppendLine("```");
    text.AppendLine();
    text.AppendLine("E adds, with chain `[security, budget, audit, mcp]` in `handler.handlers` and `handler.paths` (F: `budget.ledger: redis`; G: `audit.durability: strict`):");
    text.AppendLine();
    text.AppendLine("```yaml");
    var governed = PolicyConfig.Governed("http://127.0.0.1:PORT/mcp", "http://127.0.0.1:PORT", "/tmp/lf-policy-bench-E", "sqlite", null, "batched")["values.yml"];
    text.AppendLine(governed[governed.IndexOf("budget.ledger", StringComparison.Ordinal)..].TrimEnd());
    text.AppendLine("```");
    text.AppendLine();
    text.AppendLine("`config/rule.yml` (B, C, E, F, G):");
    text.AppendLine();
    text.AppendLine("```yaml");
    text.AppendLine(PolicyConfig.RuleYaml.TrimEnd());
    text.AppendLine("```");
    text.AppendLine();
    text.AppendLine("Gateway warn/error log lines during the run: " + string.Join(", ", targets.Select(t => $"{t.Name} {t.Gateway.Warnings}")) + ".");
    return text.ToString().Replace("\r", "");
}

async Task CheckAsync(string name, Func<Task<string?>> check)
{
    var problem = await check();
    if (problem is not null)
    {
        throw new InvalidOperationException($"enforcement check failed, nothing measured — {name}: {problem}");
    }

    checks.Add(name);
    Console.WriteLine($"check passed: {name}");
}

async Task<IReadOnlyList<ComponentResult>> RunComponentsAsync()
{
    var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        start.ArgumentList.Add(typeof(ComponentBenchmarks).Assembly.Location);
    }

    foreach (var arg in new[] { "--components", "--component-warmup", componentWarmup.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--component-batches", componentBatches.ToString(CultureInfo.InvariantCulture) })
    {
        start.ArgumentList.Add(arg);
    }

    // The gateway's GC settings (its project file), not this load generator's server GC.
    start.Environment["DOTNET_gcServer"] = "0";
    start.Environment["DOTNET_gcConcurrent"] = "0";
    using var child = Process.Start(start)!;
    var stdout = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("COMPONENTS ", StringComparison.Ordinal));
    if (child.ExitCode != 0 || line is null)
    {
        throw new InvalidOperationException($"the component measurements failed (exit {child.ExitCode}): {stdout}");
    }

    return ComponentBenchmarks.FromJson(line["COMPONENTS ".Length..]);
}

(double P50, double P90, double P99) Stats(Target t)
{
    var sorted = t.Samples.ToArray();
    Array.Sort(sorted);
    double At(double p) => sorted.Length == 0 ? double.NaN : InterleavedRun.Micros(sorted[(int)Math.Min(sorted.Length - 1, Math.Max(0, Math.Ceiling(p * sorted.Length) - 1))]);
    return (At(0.50), At(0.90), At(0.99));
}

double GatewayCpuPerCall(Target t) => t.GatewayCpu.TotalMicroseconds / Math.Max(1, t.Samples.Count);

(double P50, double P90, double P99, double RoundMedian, double RoundMin, double RoundMax, double Cpu) Overhead(Target with, Target without)
{
    var (p50, p90, p99) = Stats(with);
    var (q50, q90, q99) = Stats(without);
    var rounds = with.SegmentP50Micros.Zip(without.SegmentP50Micros, (x, y) => x - y).Order().ToArray();
    return (p50 - q50, p90 - q90, p99 - q99, rounds.Length == 0 ? double.NaN : rounds[rounds.Length / 2], rounds.FirstOrDefault(double.NaN), rounds.LastOrDefault(double.NaN),
        GatewayCpuPerCall(with) - GatewayCpuPerCall(without));
}

long CountAuditRows(string database)
{
    using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    connection.Open();
    using var count = connection.CreateCommand();
    count.CommandText = "SELECT count(*) FROM audit";
    return (long)count.ExecuteScalar()!;
}

async Task<(int Exit, string Output)> VerifyAuditAsync(string directory)
{
    var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var arg in new[] { "audit", "verify", directory })
    {
        start.ArgumentList.Add(arg);
    }

    using var verify = Process.Start(start)!;
    var stdout = verify.StandardOutput.ReadToEndAsync();
    var stderr = verify.StandardError.ReadToEndAsync();
    await verify.WaitForExitAsync();
    return (verify.ExitCode, ((await stdout) + (await stderr)).Trim());
}

double Number(string name, double fallback) =>
    options.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

static HttpClient NewHttpClient(string? token)
{
    var client = new HttpClient(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
    if (token is not null)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    return client;
}

async Task<string> CallAccountsAsync(HttpClient http, int gateway)
{
    var client = new McpClient(http, endpoints[gateway]);
    checkCalls[gateway]++;
    await client.InitializeAsync();
    var (status, body) = await client.PostAsync(client.ToolCallBody("accounts"));
    await client.DeleteAsync();
    return status == HttpStatusCode.OK ? Encoding.UTF8.GetString(body) : $"HTTP {(int)status}: {Encoding.UTF8.GetString(body)}";
}

static int Rows(string answer) => JsonNode.Parse(answer)?["result"]?["structuredContent"]?["items"]?.AsArray().Count ?? -1;

static string? Denied(string answer, string ruleId)
{
    var error = JsonNode.Parse(answer)?["error"];
    return error?["code"]?.GetValue<int>() == -32001 && error["data"]?["ruleId"]?.GetValue<string>() == ruleId
        ? null
        : $"expected -32001 with data.ruleId {ruleId}: {answer}";
}

static async Task WaitForAccountsAsync(HttpClient http, Uri endpoint)
{
    // The gateway lists the upstream's tools once connected to it.
    var client = new McpClient(http, endpoint);
    await client.InitializeAsync();
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        var list = await client.RequestAsync("tools/list", "{}");
        if (list.Contains("\"accounts\"", StringComparison.Ordinal))
        {
            break;
        }

        if (deadline.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new InvalidOperationException($"{endpoint} does not list the accounts tool: {list}");
        }

        await Task.Delay(100);
    }

    await client.DeleteAsync();
}
