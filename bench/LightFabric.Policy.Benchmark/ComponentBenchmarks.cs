using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Handlers;
using LightFabric.Gateway.Handlers.AccessControl;
using LightFabric.Gateway.Handlers.Mcp;
using LightFabric.Gateway.Security;
using LightFabric.Governance.Audit;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;
using LightFabric.Mcp.AspNetCore;
using LightFabric.Mcp.Benchmark;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Routing;
using LightFabric.Mcp.Server;
using LightFabric.Rules;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Policy.Benchmark;

/// <summary>
/// One component's cost per operation: the median batch in thread CPU time (what the work costs, whatever else the
/// machine runs) and in wall-clock time, the fastest batch in CPU time, and bytes allocated.
/// </summary>
internal sealed record ComponentResult(string Name, string PerCall, double CpuNs, double CpuMinNs, double WallNs, double BytesPerOp, long Operations);

/// <summary>
/// The policy's parts measured in-process with the gateway's own public types and the rule.yml the gateways use.
/// Batches of about 20 ms after a warm-up long enough for tiered JIT, timed with the thread's CPU clock (so time the
/// thread spends preempted by other work on a shared machine does not count) and with the wall clock; allocations
/// from <see cref="GC.GetAllocatedBytesForCurrentThread"/> (every operation here completes synchronously on this
/// thread). Run in a child process with the gateway's GC settings (workstation, non-concurrent), see Program.
/// </summary>
internal static class ComponentBenchmarks
{
    public static async Task<IReadOnlyList<ComponentResult>> RunAsync(TimeSpan warmup, int batches)
    {
        await using var issuer = await TokenIssuer.StartAsync();
        var token = issuer.Token(PolicyConfig.Role);
        var securityConfig = new SecurityConfig { Issuer = TokenIssuer.Issuer, Audience = [TokenIssuer.Audience] };
        var keyConfig = new OAuthKeyConfig { ServerUrl = issuer.BaseUrl };

        // JwtValidator with its key store primed: the JWKS is fetched once here, every measured call uses the cached key.
        using var keys = new JwksKeyStore(keyConfig, TimeSpan.FromSeconds(30), NullLogger.Instance);
        var validator = new JwtValidator(securityConfig, keys, TimeProvider.System);
        var first = await validator.ValidateAsync(token, CancellationToken.None);
        var verified = first.Token ?? throw new InvalidOperationException($"the bench token does not validate: {first.Reason}");

        var cache = new VerifiedTokenCache(1000, TimeProvider.System);
        cache.Add(VerifiedTokenCache.KeyOf(token), verified);

        // The security handler as the chain runs it, on a request shaped like the benchmark's tools/call.
        var handler = new SecurityHandler(securityConfig, keyConfig, NullLogger.Instance);
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/mcp";
        http.Request.Headers.Host = "127.0.0.1:8080";
        http.Request.Headers.Authorization = "Bearer " + token;
        http.Request.Headers.Accept = "application/json, text/event-stream";
        http.Request.Headers.ContentType = "application/json";
        http.Request.Headers.ContentLength = 90;
        http.Request.Headers["MCP-Protocol-Version"] = "2025-06-18";
        http.Request.Headers["Mcp-Session-Id"] = Guid.NewGuid().ToString("N");
        var exchange = new GatewayExchange(http, "/mcp", "/mcp@post", null);
        if (await handler.InvokeAsync(exchange) != HandlerOutcome.Continue)
        {
            throw new InvalidOperationException($"the security handler refused the bench token ({http.Response.StatusCode})");
        }

        // The gateways' rule.yml, loaded the way the mcp handler loads it.
        var loaded = RuleSetLoader.Load(ConfigYaml.Parse(PolicyConfig.RuleYaml, "rule.yml") as JsonObject);
        var rules = loaded.RuleSet ?? throw new InvalidOperationException("rule.yml: " + string.Join("; ", loaded.Errors));
        var arguments = new JsonObject();
        // Built as the router's policy builds it: claims the security handler attached, headers, endpoint, tool.
        JsonObject Context() => AccessControlRuntime.ContextFor(http, PolicyConfig.Endpoint).WithTool("accounts", arguments.DeepClone()).Build();
        var context = Context();
        var rows = JsonNode.Parse(FastUpstream.AccountsJson)!;

        var policy = new RuleToolCallPolicy(new AccessControlRuntime(
            new AccessControlSettings { Enabled = true, Logic = AccessRuleLogic.All, DefaultDeny = true, DefaultInclude = false }, rules));
        var session = new McpSession("bench-session", "2025-06-18", null, null, "bench-binding", "bench-client");
        var request = new McpRequest(session, McpCallerIdentity.From(http, []), JsonValue.Create(1), "tools/call",
            new JsonObject { ["name"] = "accounts" }, new RequestHeaders(http.Request.Headers), new RequestEventStream(http, false, session),
            CancellationToken.None, CancellationToken.None);
        var tool = new CatalogTool("accounts", new JsonObject { ["name"] = "accounts", ["inputSchema"] = new JsonObject { ["type"] = "object" } },
            new UpstreamToolTarget("fast", "accounts"));
        var upstreamResult = new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = FastUpstream.AccountsJson }),
            ["structuredContent"] = JsonNode.Parse(FastUpstream.AccountsJson),
        };

        // Each measured operation is checked once first: a component that does not do its job is not worth timing.
        Check(RuleEngine.Authorize(rules, PolicyConfig.Endpoint, context, AccessRuleLogic.All, true) is { Allowed: true, Outcomes.Count: 2 },
            "Authorize does not allow the analyst after running both rules");
        var filtered = RuleEngine.FilterResponse(rules, PolicyConfig.Endpoint, context, rows.DeepClone(), 200, false);
        Check(filtered.Succeeded && filtered.Response?["items"]?.AsArray().Count == PolicyConfig.VisibleRows, "FilterResponse does not keep the analyst's rows");
        var wholeInput = new ToolCallPolicyInput(request, tool, ToolEndpoints.For(tool), []);
        Check(policy.Authorize(wholeInput).Allowed, "RuleToolCallPolicy.Authorize denies the analyst");
        Check(policy.FilterResult(wholeInput, upstreamResult.DeepClone())?["structuredContent"]?["items"]?.AsArray().Count == PolicyConfig.VisibleRows,
            "RuleToolCallPolicy.FilterResult does not filter the rows");

        var results = new List<ComponentResult>
        {
            Measure("JwtValidator.ValidateAsync: RS256 signature + claims, JWKS key cached", "C: every call; B, D: a token's first call",
                () => Sync(validator.ValidateAsync(token, CancellationToken.None)).Token ?? throw new InvalidOperationException()),
            Measure("VerifiedTokenCache: KeyOf (SHA-256 of the token) + Get — part of the next row", "B, D: every call",
                () => cache.Get(VerifiedTokenCache.KeyOf(token)) ?? throw new InvalidOperationException()),
            Measure("SecurityHandler.InvokeAsync, token cache hit (read header, cache, principal, attach)", "B, D: every call",
                () => Sync(handler.InvokeAsync(exchange))),
            Measure("McpCallerIdentity.From: session binding of the verified caller (SHA-256 over its stable claims)", "B, C, D: every call (A: the peer address)",
                () => McpCallerIdentity.From(http, [])),
            Measure("AccessControlRuntime.ContextFor + WithTool: the rule context, built once per call — part of the access-control step", "B, C: every call",
                Context),
            Measure("RuleEngine.Authorize: 2 req-acc rules (CEL tenant + role check), logic all — part of the access-control step", "B, C: every call",
                () => RuleEngine.Authorize(rules, PolicyConfig.Endpoint, context, AccessRuleLogic.All, true)),
            Measure("RuleEngine.FilterResponse: 1 res-fil row filter on a copy of the 5 rows — part of the access-control step", "B, C: every call",
                () => RuleEngine.FilterResponse(rules, PolicyConfig.Endpoint, context, rows.DeepClone(), 200, false)),
            Measure("RuleToolCallPolicy.Authorize + FilterResult: the whole access-control step of one call (context, both phases, text mirror)", "B, C: every call",
                () =>
                {
                    var input = new ToolCallPolicyInput(request, tool, ToolEndpoints.For(tool), []);
                    _ = policy.Authorize(input);
                    return policy.FilterResult(input, upstreamResult.DeepClone());
                }),
            Measure("(harness) copy of the upstream result, included in the row above", "—",
                () => upstreamResult.DeepClone()),
        };

        // The governed call's pipeline as the router runs it for E: a context per call (request id of a session and a
        // JSON-RPC id, as the router makes it), the budget step on each ledger, then the audit record of the call. The
        // ledgers' clock moves a minute per reading, so request keys expire (24 h) and the replay set stays as small
        // as a steady gateway's instead of growing by every call of the measurement.
        var caller = new CallCaller(BudgetSubjects.TokenId(token), true, new JsonObject
        {
            ["sub"] = "alice",
            ["client_id"] = PolicyConfig.Subject,
            ["tenant"] = "bench",
            ["role"] = PolicyConfig.Role,
        });
        var budgetSettings = new BudgetSettings
        {
            DefaultLimit = long.MaxValue / 2,
            Costs = new CostTable(1, new Dictionary<string, long> { ["accounts"] = 1 }),
        };
        var ledgerClock = new SteppingClock(TimeSpan.FromMinutes(1));
        var data = Directory.CreateTempSubdirectory("lf-policy-bench-components-").FullName;
        await using var sqliteLedger = new SqliteBudgetLedger(Path.Combine(data, "budget.db"), ledgerClock);
        var noSteps = new CallPipeline([], []);
        var memoryPipeline = new CallPipeline([new BudgetStep(new BudgetPolicy(budgetSettings, new MemoryBudgetLedger(ledgerClock)), BudgetSubject.Auto, receipts: true)], []);
        var sqlitePipeline = new CallPipeline([new BudgetStep(new BudgetPolicy(budgetSettings, sqliteLedger), BudgetSubject.Auto, receipts: true)], []);
        await using var auditWriter = new AuditWriter(new AuditWriterOptions(null, Path.Combine(data, "audit.db")));
        var recorder = new AuditRecorder(auditWriter, new AuditSource("com.networknt.light-gateway-1.0.0", "bench"), includeArguments: false);
        Func<CallContext, CancellationToken, ValueTask<JsonObject>> invoke = (_, _) => new ValueTask<JsonObject>(upstreamResult);
        Func<JsonObject, CallOutcome> outcomeOf = _ => CallOutcome.Ok;
        Func<Exception, CallOutcome> failureOf = _ => CallOutcome.UpstreamError;
        long sequence = 0;
        CallContext NewCall() => new(CallKind.Mcp, "tools/call", "accounts", caller, DateTimeOffset.UtcNow)
        {
            RequestId = "bench-session\n" + (++sequence).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Upstream = "fast",
        };
        CallContext Governed(CallPipeline pipeline)
        {
            var call = NewCall();
            _ = Sync(pipeline.RunAsync(call, invoke, outcomeOf, failureOf, CancellationToken.None));
            return call;
        }

        var charged = Governed(sqlitePipeline);
        Check(charged is { Cost: 1, Receipt.Cost: 1, Decisions: [{ Decision: "charged" }] } && Governed(memoryPipeline).Receipt?.Cost == 1,
            $"the budget step does not charge the call: {string.Join(", ", charged.Decisions)}");
        charged.Arguments = [];
        charged.Elapsed = TimeSpan.FromMicroseconds(180);
        var record = recorder.RecordOf(charged);
        Check(record is { Cost: 1, Subject: PolicyConfig.Subject, Decisions: [{ Policy: "budget" }] } && record.ArgumentsDigest is not null,
            "RecordOf does not record the charged call");
        var previousHash = new string('0', 64);

        results.AddRange(
        [
            Measure("CallPipeline.RunAsync, no steps: a new CallContext (UUIDv7 id, request id) through the pipeline — part of the next rows", "E, F, G: every call",
                () => Governed(noSteps)),
            Measure("CallPipeline.RunAsync + BudgetStep, MemoryBudgetLedger: reserve 1 credit (request key kept for replays), settle", "(the memory ledger; not a target)",
                () => Governed(memoryPipeline)),
            Measure("CallPipeline.RunAsync + BudgetStep, SqliteBudgetLedger: one write transaction per call (forget expired keys, read spent, add, remember the key)", "E, G: every call",
                () => Governed(sqlitePipeline)),
            Measure("AuditRecorder.RecordOf: the audit record of a charged call (decisions, subject, SHA-256 of the arguments)", "E, F, G: every call",
                () => recorder.RecordOf(charged)),
            Measure("AuditJson.Seal: the record's canonical JSON line + SHA-256 chain hash — the audit writer's loop, on its own thread", "E, F, G: every call, off the request",
                () => AuditJson.Seal(record, previousHash)),
        ]);
        Directory.Delete(data, recursive: true);

        Console.Error.WriteLine($"components: JWKS fetched {keys.FetchCount + handler.Keys.FetchCount} time(s), key server saw {issuer.JwksRequests} request(s)");
        return results;

        ComponentResult Measure<T>(string name, string perCall, Func<T> operation)
        {
            // Warm-up: past tier-0 and OSR into tier-1 with PGO, and long enough to size a ~20 ms batch.
            var clock = Stopwatch.StartNew();
            long count = 0;
            while (clock.Elapsed < warmup)
            {
                for (var i = 0; i < 100; i++)
                {
                    GC.KeepAlive(operation());
                }

                count += 100;
            }

            var perBatch = Math.Max(100, (long)(count / warmup.TotalSeconds * 0.02));
            var cpu = new double[batches];
            var wall = new double[batches];
            long allocated = 0;
            for (var b = 0; b < batches; b++)
            {
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var cpuStart = ThreadCpuNanoseconds();
                var start = Stopwatch.GetTimestamp();
                for (long i = 0; i < perBatch; i++)
                {
                    GC.KeepAlive(operation());
                }

                var elapsed = Stopwatch.GetElapsedTime(start);
                cpu[b] = (double)(ThreadCpuNanoseconds() - cpuStart) / perBatch;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
                wall[b] = elapsed.TotalNanoseconds / perBatch;
            }

            Array.Sort(cpu);
            Array.Sort(wall);
            var result = new ComponentResult(name, perCall, cpu[batches / 2], cpu[0], wall[batches / 2], (double)allocated / (perBatch * batches), perBatch * batches);
            Console.Error.WriteLine($"  {result.CpuNs,10:0} ns/op CPU (min {result.CpuMinNs:0}, wall {result.WallNs:0})  {result.BytesPerOp,7:0} B/op  {name}");
            return result;
        }
    }

    public static string ToJson(IReadOnlyList<ComponentResult> results) => JsonSerializer.Serialize(results);

    public static IReadOnlyList<ComponentResult> FromJson(string json) => JsonSerializer.Deserialize<List<ComponentResult>>(json) ?? [];

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID); nanosecond resolution on Linux.</summary>
    private static long ThreadCpuNanoseconds()
    {
        if (ClockGetTime(3, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    // The measured paths finish synchronously (cached keys, cache hits); anything else would be a different benchmark.
    private static T Sync<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? task.Result : throw new InvalidOperationException("expected a synchronous completion");

    /// <summary>A clock that moves on by <paramref name="step"/> every time it is read.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
        private long _readings;

        public override DateTimeOffset GetUtcNow() => _start + step * Interlocked.Increment(ref _readings);
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("component check failed: " + message);
        }
    }
}
