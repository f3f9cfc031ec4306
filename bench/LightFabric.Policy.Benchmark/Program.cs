using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Benchmark;
using LightFabric.Policy.Benchmark;

// Policy overhead of one tools/call: the same gateway and upstream without policy (A) and with JWT security plus
// light-rule access control (B; C = B without the verified-token cache; D = B without access control, to tell the
// JWT's share from the rules'), measured in one run, interleaved. Then the policy's components in-process. See run.sh.
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
var output = options.GetValueOrDefault("--out");
var command = options.GetValueOrDefault("--command") ?? "bash bench/LightFabric.Policy.Benchmark/run.sh";
var revision = options.GetValueOrDefault("--revision") ?? "unknown";
var loadAtStart = BenchMachine.LoadAverage();

await using var issuer = await TokenIssuer.StartAsync();
await using var upstream = await FastUpstream.StartAsync();
Console.WriteLine($"upstream: {upstream.Url}; key server: {issuer.BaseUrl}");
await using var plain = await GatewayProcess.StartAsync(binary, PolicyConfig.Plain(upstream.Url));
await using var secured = await GatewayProcess.StartAsync(binary, PolicyConfig.Secured(upstream.Url, issuer.BaseUrl, tokenCache: true));
await using var uncached = await GatewayProcess.StartAsync(binary, PolicyConfig.Secured(upstream.Url, issuer.BaseUrl, tokenCache: false));
await using var jwtOnly = await GatewayProcess.StartAsync(binary, PolicyConfig.Secured(upstream.Url, issuer.BaseUrl, tokenCache: true, accessControl: false));
var gateways = new[] { plain, secured, uncached, jwtOnly };
Console.WriteLine("gateways: " + string.Join(", ", gateways.Select((g, i) => $"{(char)('A' + i)} {g.BaseUrl} (pid {g.ProcessId})")));

var token = issuer.Token(PolicyConfig.Role);
// One client for every target, so each call carries the same Authorization header; A has no handler that reads it.
using var http = NewHttpClient(token);
var endpoints = gateways.Select(g => new Uri(g.BaseUrl.TrimEnd('/') + "/mcp")).ToArray();

// A benchmark of a policy that does nothing is worthless: before measuring, every gateway must answer as configured.
var checks = new List<string>();
foreach (var endpoint in endpoints)
{
    await WaitForAccountsAsync(http, endpoint);
}

await CheckAsync("A answers a call without any token, unfiltered", async () =>
{
    using var anonymous = NewHttpClient(null);
    var answer = await CallAccountsAsync(anonymous, endpoints[0]);
    return Rows(answer) == PolicyConfig.AllRows ? null : $"expected {PolicyConfig.AllRows} rows: {answer}";
});
foreach (var (label, endpoint) in new[] { ("B", endpoints[1]), ("C", endpoints[2]), ("D", endpoints[3]) })
{
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
            var answer = await CallAccountsAsync(http, endpoint);
            return Rows(answer) == PolicyConfig.AllRows ? null : $"expected {PolicyConfig.AllRows} rows: {answer}";
        });
        continue;
    }

    await CheckAsync($"{label}: token without a role claim → -32001 from allow-role-based-access-control.lightapi.net", async () =>
    {
        using var client = NewHttpClient(issuer.Token(role: null));
        return Denied(await CallAccountsAsync(client, endpoint), "allow-role-based-access-control.lightapi.net");
    });
    await CheckAsync($"{label}: token of another tenant → -32001 from tenant-is-bench (the CEL rule)", async () =>
    {
        using var client = NewHttpClient(issuer.Token(PolicyConfig.Role, tenant: "other"));
        return Denied(await CallAccountsAsync(client, endpoint), "tenant-is-bench");
    });
    await CheckAsync($"{label}: the analyst's token → only the {PolicyConfig.VisibleRows} rows of owner alice, in structuredContent and in the text mirror", async () =>
    {
        var answer = await CallAccountsAsync(http, endpoint);
        var result = JsonNode.Parse(answer)?["result"];
        var items = result?["structuredContent"]?["items"]?.AsArray();
        var mirrored = JsonNode.Parse(result?["content"]?[0]?["text"]?.GetValue<string>() ?? "null")?["items"]?.AsArray();
        var ok = items is { Count: PolicyConfig.VisibleRows } && items.All(r => r?["owner"]?.GetValue<string>() == "alice")
            && mirrored is { Count: PolicyConfig.VisibleRows } && mirrored.All(r => r?["owner"]?.GetValue<string>() == "alice");
        return ok ? null : $"not filtered as configured: {answer}";
    });
}

var targets = new[]
{
    new Target("A", "chain `[mcp]`, no policy", plain, new McpClient(http, endpoints[0]), PolicyConfig.AllRows),
    new Target("B", "chain `[security, mcp]`: JWT RS256 (JWKS key cached, security.yml's verified-token cache on — the default) + access control (2 req-acc, all; 1 res-fil)", secured, new McpClient(http, endpoints[1]), PolicyConfig.VisibleRows),
    new Target("C", "as B with `security.enableJwtCache: false`: the RS256 signature is verified on every call (JWKS key cached)", uncached, new McpClient(http, endpoints[2]), PolicyConfig.VisibleRows),
    new Target("D", "as B without access control (JWT only): tells the JWT's share of B's overhead from the rules'", jwtOnly, new McpClient(http, endpoints[3]), PolicyConfig.AllRows),
};
foreach (var target in targets)
{
    await target.Client.InitializeAsync();
}

var jwksBefore = issuer.JwksRequests;
Console.WriteLine($"measuring: {warmupRounds} warm-up rounds, then {segments} rounds of {segmentLength.TotalSeconds:0.#} s per target");
await InterleavedRun.RunAsync(targets, warmupRounds, segments, segmentLength);
var jwksDuring = issuer.JwksRequests - jwksBefore;
foreach (var target in targets)
{
    await target.Client.DeleteAsync();
    var s = Stats(target);
    Console.WriteLine($"{target.Name}: {target.Samples.Count} calls, errors {target.Errors}, p50 {s.P50:0.0} µs, p90 {s.P90:0.0} µs, p99 {s.P99:0.0} µs, gateway CPU {GatewayCpuPerCall(target):0.0} µs/call{(target.LastError is null ? "" : "; last error: " + target.LastError)}");
}

var loadAfterMeasuring = BenchMachine.LoadAverage();
foreach (var gateway in gateways)
{
    // Stopped before the component measurements, so those have the cores.
    await gateway.DisposeAsync();
}

Console.WriteLine("components (child process, workstation non-concurrent GC as the gateway):");
var components = await RunComponentsAsync();
var b = Overhead(targets[1], targets[0]);
var c = Overhead(targets[2], targets[0]);
var d = Overhead(targets[3], targets[0]);
var rulesOnly = Overhead(targets[1], targets[3]);
Console.WriteLine($"policy overhead p50: B − A {b.P50:0.0} µs (D − A JWT only {d.P50:0.0} µs, B − D rules {rulesOnly.P50:0.0} µs), C − A {c.P50:0.0} µs; target ≤ 20 µs {(b.P50 <= 20 ? "met" : "missed")}");

if (output is not null)
{
    await File.WriteAllTextAsync(output, Report());
    Console.WriteLine($"wrote {output}");
}

return targets.Any(t => t.Errors > 0) ? 1 : 0;

string Report()
{
    var text = new StringBuilder();
    text.AppendLine("# Policy overhead per tools/call: JWT + light-rule access control through light-gateway");
    text.AppendLine();
    text.AppendLine($"Command: `{command}`  ");
    text.AppendLine($"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  ");
    text.AppendLine($"Machine: {BenchMachine.Describe()}; load average at start: {loadAtStart}, after the latency runs: {loadAfterMeasuring}  ");
    text.AppendLine($"Gateway build: published from the working tree at {revision} (Release, ReadyToRun), four child processes of this program, `LIGHT_LOG=warn,LightFabric.Runtime=info`, the gateway's shipped GC settings (workstation, non-concurrent)  ");
    text.AppendLine("Upstream: the tools/call benchmark's in-process Kestrel MCP server (`bench/LightFabric.Mcp.Benchmark/FastUpstream.cs`), `transport: http`, tool `accounts`: five rows `{id, name, balance, owner}` as `structuredContent.items` plus the same JSON as text  ");
    text.AppendLine("Caller: an RS256 token (RSA-2048 key made at the start of the run, never stored; JWKS served by this program) with `role: analyst`, `tenant: bench`; the same `Authorization: Bearer` header goes to every target  ");
    text.AppendLine($"Method: concurrency 1, closed loop, one MCP session per target; {warmupRounds} unrecorded warm-up round(s), then {segments} rounds in which each target gets {segmentLength.TotalSeconds:0.#} s in turn (A B C D, then D C B A, …), so machine noise falls on all targets alike; latency is the client-side time of one `tools/call` HTTP request/response; every answer is checked afterwards (HTTP 200, a result that is not an error, 5 rows from A and D, 3 from B and C) and a wrong one counts as an error, not as a sample");
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
    text.AppendLine("## tools/call latency, concurrency 1");
    text.AppendLine();
    text.AppendLine("| target | calls | errors | p50 | p90 | p99 | gateway CPU per call | bench CPU | other CPU |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var t in targets)
    {
        var s = Stats(t);
        var seconds = t.Measured.TotalSeconds;
        var other = (t.MachineBusySeconds - t.BenchCpuSeconds - t.GatewayCpu.TotalSeconds) / seconds * 100;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {t.Name} | {t.Samples.Count} | {t.Errors} | {s.P50:0.0} µs | {s.P90:0.0} µs | {s.P99:0.0} µs | {GatewayCpuPerCall(t):0.0} µs | {t.BenchCpuSeconds / seconds * 100:0} % | {other:0} % |"));
    }

    text.AppendLine();
    text.AppendLine("Percentiles over all recorded calls of a target. Gateway CPU per call: the gateway process's CPU time during its");
    text.AppendLine("segments divided by its calls. Bench CPU: this program (client + upstream + key server) as % of one core; other:");
    text.AppendLine("the rest of the machine (from /proc/stat) during those segments — work that was not part of the benchmark.");
    text.AppendLine();
    text.AppendLine("## Policy overhead");
    text.AppendLine();
    text.AppendLine("| comparison | p50 difference | p90 difference | p99 difference | per-round p50 difference: median (min … max) | gateway CPU per call difference |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|");
    foreach (var (label, o) in new[]
    {
        ("**B − A: JWT with the token cache + 2 req-acc + 1 res-fil**", b),
        ("C − A: JWT verified on every call + the same rules", c),
        ("D − A: JWT with the token cache only", d),
        ("B − D: the rules only (2 req-acc + 1 res-fil)", rulesOnly),
    })
    {
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | **{o.P50:0.0} µs** | {o.P90:0.0} µs | {o.P99:0.0} µs | {o.RoundMedian:0.0} µs ({o.RoundMin:0.0} … {o.RoundMax:0.0}) | {o.Cpu:0.0} µs |"));
    }

    text.AppendLine();
    text.AppendLine("Per-round difference: the p50 of a target's segment minus the p50 of the other's segment in the same round; its spread");
    text.AppendLine("shows how much of a single-segment comparison is noise. Gateway CPU per call difference: the same comparison in the");
    text.AppendLine("gateways' CPU time, which does not grow when the gateway waits for a core. On a shared 2-core machine the p50");
    text.AppendLine("differences move from run to run with the other load (see \"other CPU\"); the CPU-time difference is the steadier figure.");
    text.AppendLine();
    text.AppendLine("## Target");
    text.AppendLine();
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- Policy overhead per tools/call with JWT (cached key), two req-acc rules and one res-fil rule ≤ 20 µs p50 over the call without policy, measured in one run: **{(b.P50 <= 20 ? "met" : "missed")}** ({b.P50:0.0} µs, B − A: the gateway as configured by default, JWKS key and verified token cached)"));
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- Cross-check in gateway CPU time per call, which waiting for a core does not inflate: **{(b.Cpu <= 20 ? "within" : "over")} 20 µs** ({b.Cpu:0.0} µs, B − A)"));
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- The same with the verified-token cache off, so every call also verifies the RS256 signature: **{(c.P50 <= 20 ? "within" : "over")} 20 µs** ({c.P50:0.0} µs, C − A)"));
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

    var handlerNs = components.FirstOrDefault(r => r.Name.StartsWith("SecurityHandler", StringComparison.Ordinal))?.CpuNs ?? double.NaN;
    var bindingNs = components.FirstOrDefault(r => r.Name.StartsWith("McpCallerIdentity", StringComparison.Ordinal))?.CpuNs ?? double.NaN;
    var bindingBytes = components.FirstOrDefault(r => r.Name.StartsWith("McpCallerIdentity", StringComparison.Ordinal))?.BytesPerOp ?? double.NaN;
    var policyNs = components.FirstOrDefault(r => r.Name.StartsWith("RuleToolCallPolicy", StringComparison.Ordinal))?.CpuNs ?? double.NaN;
    var harnessNs = components.FirstOrDefault(r => r.Name.StartsWith("(harness)", StringComparison.Ordinal))?.CpuNs ?? double.NaN;
    var jwtNs = components.FirstOrDefault(r => r.Name.StartsWith("JwtValidator", StringComparison.Ordinal))?.CpuNs ?? double.NaN;
    var handlerBytes = components.FirstOrDefault(r => r.Name.StartsWith("SecurityHandler", StringComparison.Ordinal))?.BytesPerOp ?? double.NaN;
    var policyBytes = components.FirstOrDefault(r => r.Name.StartsWith("RuleToolCallPolicy", StringComparison.Ordinal))?.BytesPerOp ?? double.NaN;
    var harnessBytes = components.FirstOrDefault(r => r.Name.StartsWith("(harness)", StringComparison.Ordinal))?.BytesPerOp ?? double.NaN;
    text.AppendLine();
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"In-process work B adds per call (CPU): the security handler with a cache hit ({handlerNs / 1000:0.0} µs) + the session binding ({bindingNs / 1000:0.0} µs) + the access-control step without the harness copy ({(policyNs - harnessNs) / 1000:0.0} µs) = **{(handlerNs + bindingNs + policyNs - harnessNs) / 1000:0.0} µs**, allocating {(handlerBytes + bindingBytes + policyBytes - harnessBytes) / 1024:0.0} KiB; C adds the signature check ({jwtNs / 1000:0.0} µs) on top. End to end, B − A was {b.P50:0.0} µs at p50 and {b.Cpu:0.0} µs of gateway CPU per call; that difference also holds what these rows leave out (the security handler's place in the chain, the router's policy input, the GC work for those allocations) and the run's noise."));
    text.AppendLine();
    text.AppendLine("## Configuration");
    text.AppendLine();
    text.AppendLine("`config/values.yml` (A has only the server, handler and `mcp-router` lines, with chain `[mcp]`; D has no `access-control` lines and no rule.yml):");
    text.AppendLine();
    text.AppendLine("```yaml");
    text.AppendLine(PolicyConfig.Secured("http://127.0.0.1:PORT/mcp", "http://127.0.0.1:PORT", tokenCache: true)["values.yml"].TrimEnd());
    text.AppendLine("```");
    text.AppendLine();
    text.AppendLine("`config/rule.yml`:");
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

static async Task<string> CallAccountsAsync(HttpClient http, Uri endpoint)
{
    var client = new McpClient(http, endpoint);
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
