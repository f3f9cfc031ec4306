using LightFabric.Config;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Hosting;
using LightFabric.Runtime.Logging;
using LightFabric.Runtime.Modules;
using LightFabric.Testing;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Runtime.Tests;

/// <summary>A minimal application on the runtime: demo.yml holds the text every request answers with.</summary>
internal sealed record DemoModel(string Message);

internal sealed record DemoConfig
{
    public string Message { get; init; } = "";
    public bool Valid { get; init; } = true;
}

internal sealed class DemoModelBuilder : IRuntimeModelBuilder<DemoModel>
{
    public RuntimeModelBuild<DemoModel> Build(RuntimeConfiguration configuration)
    {
        var file = configuration.Loader.Load("demo");
        var config = file.Bind<DemoConfig>();
        if (!config.Valid)
        {
            throw new ConfigException("valid is false; set demo.valid to true", "demo.yml", "valid");
        }

        return new RuntimeModelBuild<DemoModel>(
            new DemoModel(config.Message),
            [ModuleInfo.FromConfig("demo/demo", file)]);
    }
}

internal static class DemoRuntime
{
    public const string EmbeddedDemo = "message: ${demo.message:embedded}\nvalid: ${demo.valid:true}\n";
    public const string EmbeddedServer = "ip: ${server.ip:127.0.0.1}\nhttpPort: ${server.httpPort:0}\nenableHttp: true\nshutdownGracefulPeriod: ${server.shutdownGracefulPeriod:2000}\npreStopDelayMs: ${server.preStopDelayMs:0}\n";
    public const string EmbeddedStartup = """
        host: ${startup.host:test.host}
        serviceId: ${server.serviceId:com.example.demo-1.0.0}
        envTag: ${server.environment:test}
        acceptHeader: application/yaml
        timeout: ${startup.timeout:2000}
        connectTimeout: ${startup.connectTimeout:1000}
        configServerUri: ${light-config-server-uri:}
        authorization: ${light_portal_authorization:}
        bootstrapCaCertPath: ${startup.bootstrapCaCertPath:config/ca.pem}
        """;

    public static IEmbeddedConfigSource Embedded { get; } = new InMemoryEmbeddedConfig(new Dictionary<string, string>
    {
        ["demo.yml"] = EmbeddedDemo,
        ["server.yml"] = EmbeddedServer,
        ["startup.yml"] = EmbeddedStartup,
        ["values.yml"] = "{}\n",
    });

    public static LightRuntime<DemoModel> Create(TempDirectory dir, LogCapture? logs = null, Dictionary<string, string>? env = null, TimeProvider? time = null, bool strict = false, HeldRequests? held = null)
    {
        var options = new RuntimeOptions
        {
            ServiceName = "demo",
            RootDirectory = dir.Path,
            EmbeddedConfig = Embedded,
            Environment = new DictionaryEnvironment(env ?? []),
            Logging = new LoggingControl(LogFilter.Parse("debug"), "test"),
            IpOverride = "127.0.0.1",
            ExtraLoggerProviders = logs is null ? [] : [logs],
            TimeProvider = time ?? TimeProvider.System,
            StrictConfig = strict,
        };
        return new LightRuntime<DemoModel>(options, _ => new DemoModelBuilder(), (context, model) => RespondAsync(context, model, held));
    }

    private static async Task RespondAsync(HttpContext context, DemoModel model, HeldRequests? held)
    {
        if (held is not null && context.Request.Path == "/slow")
        {
            await held.HoldAsync();
        }

        await context.Response.WriteAsync(model.Message);
    }
}

/// <summary>Holds requests to <c>/slow</c> until the test releases them, so a test knows a request is in flight without waiting on a clock.</summary>
internal sealed class HeldRequests
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a request is being held.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public Task HoldAsync()
    {
        _entered.TrySetResult();
        return _released.Task;
    }
}
