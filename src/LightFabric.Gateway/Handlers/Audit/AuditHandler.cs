using LightFabric.Config;
using LightFabric.Governance.Audit;
using LightFabric.Governance.Calls;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.Audit;

/// <summary>
/// The <c>audit</c> handler (audit.yml): every governed call of its chain — an MCP tools/call, a request forwarded by
/// the proxy — allowed, denied or would-deny, becomes one record in the hash-chained JSONL files and the SQLite table.
/// </summary>
public sealed class AuditHandler : IGatewayHandler, IGoverningHandler, IActivatableHandler
{
    private AuditHandler(AuditSettings settings, AuditRecorder? recorder)
    {
        Settings = settings;
        Recorder = recorder;
    }

    public string Id => "audit";

    public AuditSettings Settings { get; }

    public ICallStep? Step => null;

    public ICallRecorder? Recorder { get; }

    public static HandlerDescriptor Descriptor(AuditWriters writers) =>
        new("audit", [], "audit", context => Create(context, writers)) { Keys = ConfigKeys.For<AuditConfig>() };

    private static AuditHandler Create(HandlerBuildContext context, AuditWriters writers)
    {
        var logger = context.LoggerFactory.CreateLogger("LightFabric.Gateway.Audit");
        var problems = 0;
        var settings = AuditConfigValidator.Settings(context.BindEach<AuditConfig>(), (key, message) =>
        {
            problems++;
            context.Problem(key, message);
        });
        if (!settings.Enabled)
        {
            logger.LogWarning("audit is in a handler chain but audit.yml has enabled: false; calls are not recorded");
            return new AuditHandler(settings, null);
        }

        if (problems > 0)
        {
            // This model is refused; no file is opened for it.
            return new AuditHandler(settings, null);
        }

        var server = context.LoadOther("server");
        var serviceId = server?.Values["serviceId"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var id) ? id : null;
        var source = new AuditSource(serviceId, Environment.MachineName);
        var writer = writers.Open(settings.Writer);
        logger.LogInformation("audit: {Durability}, jsonl {Directory}, sqlite {Sqlite}{Arguments}",
            settings.Writer.Durability.ToString().ToLowerInvariant(), settings.Writer.JsonlDirectory ?? "off", settings.Writer.SqlitePath ?? "off",
            settings.IncludeArguments ? ", arguments included" : "");
        return new AuditHandler(settings, new AuditRecorder(writer, source, settings.IncludeArguments));
    }

    public ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange) => ValueTask.FromResult(HandlerOutcome.Continue);

    /// <summary>
    /// The directories the trail is written to must exist or be creatable: a start or reload that cannot write them
    /// is refused, naming the path, rather than every call failing (strict) or being dropped (batched) later.
    /// </summary>
    public Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (Recorder is null)
        {
            return Task.CompletedTask;
        }

        var problems = new List<ConfigProblem>();
        Ensure(Settings.Writer.JsonlDirectory, "directory", problems);
        Ensure(Settings.Writer.SqlitePath is { } path ? Path.GetDirectoryName(path) : null, "sqlitePath", problems);
        return problems.Count == 0 ? Task.CompletedTask : throw new ConfigException(problems);
    }

    // The writer belongs to the gateway, not to this generation.
    public ValueTask RetireAsync() => ValueTask.CompletedTask;

    private static void Ensure(string? directory, string key, List<ConfigProblem> problems)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ConfigProblem($"the audit trail cannot be written to {directory}: {ex.Message}", "audit.yml", key));
        }
    }
}
