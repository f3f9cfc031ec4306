using System.Runtime.InteropServices;
using LightFabric.Config;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Logging;
using LightFabric.Runtime.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Hosting;

/// <summary>
/// Runs one service through the seed's lifecycle: local bootstrap → remote bootstrap or fallback → build
/// model → validate → bind listeners → ready → draining → stopped, and reloads the model atomically.
/// </summary>
public sealed class LightRuntime<TModel> : IAsyncDisposable
    where TModel : class
{
    public const string ServerModuleId = RuntimeStateBuilder<TModel>.ServerModuleId;
    public const string LoggingModuleId = RuntimeStateBuilder<TModel>.LoggingModuleId;

    private static readonly IReadOnlySet<string> RestartOnlyModules = new HashSet<string> { ServerModuleId };

    private readonly RuntimeOptions _options;
    private readonly IRuntimeModelBuilder<TModel> _builder;
    private readonly RuntimeStateBuilder<TModel> _stateBuilder;
    private readonly IRuntimeModelActivator<TModel>? _activator;
    private readonly Func<HttpContext, TModel, Task> _handleRequest;
    private readonly Func<TModel, IReadOnlyList<UpstreamHealth>>? _upstreams;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _skipPreStop = new();
    private volatile RuntimeState<TModel>? _state;

    /// <summary>The model being activated at startup, while listeners already answer health probes.</summary>
    private volatile TModel? _activating;
    private ServerConfig _server = new();
    private int _stopRequested;
    private WebApplication? _app;
    private PosixSignalRegistration? _hangup;
    private bool _retired;

    /// <param name="createBuilder">Creates the model builder with the runtime's logger factory.</param>
    /// <param name="upstreams">What a model depends on, listed by <c>/health/ready</c>.</param>
    public LightRuntime(
        RuntimeOptions options,
        Func<ILoggerFactory, IRuntimeModelBuilder<TModel>> createBuilder,
        Func<HttpContext, TModel, Task> handleRequest,
        Func<TModel, IReadOnlyList<UpstreamHealth>>? upstreams = null)
    {
        _options = options;
        _handleRequest = handleRequest;
        _upstreams = upstreams;
        _loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
        {
            b.AddLightConsole(options.LogFormat, options.Logging);
            foreach (var provider in options.ExtraLoggerProviders)
            {
                b.AddProvider(provider);
            }
        });
        _logger = _loggerFactory.CreateLogger("LightFabric.Runtime");
        _builder = createBuilder(_loggerFactory);
        _stateBuilder = new RuntimeStateBuilder<TModel>(_builder, options);
        _activator = _builder as IRuntimeModelActivator<TModel>;
        Lifecycle = new RuntimeLifecycle(_logger);
    }

    /// <summary>The one logger factory of this runtime; the web host logs through it too.</summary>
    public ILoggerFactory LoggerFactory => _loggerFactory;

    public RuntimeLifecycle Lifecycle { get; }

    public ModuleRegistry Modules { get; } = new();

    /// <summary>The live state; null before the first successful build.</summary>
    public RuntimeState<TModel>? State => _state;

    /// <summary>Bound listener URLs, e.g. <c>http://127.0.0.1:43121</c>.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <summary>Fires when the host starts stopping (SIGTERM, SIGINT or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _app?.Lifetime.ApplicationStopping ?? CancellationToken.None;

    /// <summary>Completes once the listeners are open (<see cref="Addresses"/> is set), before the model is active.</summary>
    public Task Listening => _listening.Task;

    /// <summary>
    /// Bootstraps, builds, binds the listeners and then activates the model (starting what it needs, e.g. the required
    /// upstream servers), so health probes are answered while that runs; returns once ready. Throws
    /// <see cref="ConfigException"/> for invalid configuration and <see cref="ListenerBindException"/> when a listener
    /// cannot be opened, and <see cref="OperationCanceledException"/> when a stop was requested before it was ready;
    /// nothing is left running then.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _listening.TrySetException(ex);
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Lifecycle.MoveTo(LifecycleState.BootstrapLocal);
        var configuration = await BootstrapAsync(cancellationToken).ConfigureAwait(false);

        Lifecycle.MoveTo(LifecycleState.BuildRuntime);
        var (state, server) = _stateBuilder.Build(configuration);
        _server = server;
        LogWarnings(state);

        Lifecycle.MoveTo(LifecycleState.BindListeners);
        _app = CreateApp(server);
        try
        {
            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ListenerBindFailure.FindSocketError(ex) is { } socketError)
        {
            await DisposeAppAsync().ConfigureAwait(false);
            throw new ListenerBindException(ListenerBindFailure.Describe(server, _options.IpOverride, socketError), ex);
        }
        catch (IOException ex)
        {
            await DisposeAppAsync().ConfigureAwait(false);
            throw new ListenerBindException($"cannot open the listeners from server.yml: {ex.Message}", ex);
        }

        Addresses = _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        var stopping = _app.Lifetime.ApplicationStopping;
        stopping.Register(() => Lifecycle.MoveTo(LifecycleState.Draining));

        // Listening from here on: /health answers and /health/ready says what startup waits for.
        Lifecycle.MoveTo(LifecycleState.Activate);
        _activating = state.Model;
        _listening.TrySetResult();
        _logger.LogInformation("{Service} listening on {Addresses}; starting", _options.ServiceName, string.Join(", ", Addresses));
        try
        {
            using var activation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
            await ActivateAsync(state.Model, activation.Token).ConfigureAwait(false);
        }
        catch
        {
            _activating = null;
            await DisposeAppAsync().ConfigureAwait(false);
            throw;
        }

        StartupLogFilter.ApplyBaseline(_options, configuration, _logger);
        _state = state;
        _activating = null;
        Modules.Replace(state.Modules);

        // Controller registration arrives with the portal; until then the service is ready once activated.
        Lifecycle.MoveTo(LifecycleState.RegisterController);
        Lifecycle.MoveTo(LifecycleState.Ready);
        _logger.LogInformation("{Service} ready: listening on {Addresses}", _options.ServiceName, string.Join(", ", Addresses));
    }

    /// <summary>
    /// What SIGTERM does: <c>/health/ready</c> answers 503 for server.yml preStopDelayMs while requests are still served,
    /// then the runtime drains and stops (<see cref="WaitForShutdownAsync"/> returns). A second request skips the rest
    /// of the delay.
    /// </summary>
    public void RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
        {
            StopNow();
            return;
        }

        _ = StopAfterPreStopAsync();
    }

    /// <summary>What SIGINT (Ctrl-C) and SIGQUIT do: drain and stop without the pre-stop delay.</summary>
    public void StopNow()
    {
        Interlocked.Exchange(ref _stopRequested, 1);
        _skipPreStop.Cancel();
        _app?.Lifetime.StopApplication();
    }

    private async Task StopAfterPreStopAsync()
    {
        var delay = TimeSpan.FromMilliseconds(_server.PreStopDelayMs);
        if (delay > TimeSpan.Zero && Lifecycle.IsReady)
        {
            Lifecycle.MoveTo(LifecycleState.PreStop);
            _logger.LogInformation(
                "Stop requested: /health/ready answers 503 for {Delay} ms (server.preStopDelayMs) while requests are still served; then draining",
                _server.PreStopDelayMs);
            try
            {
                await Task.Delay(delay, _options.TimeProvider, _skipPreStop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _app?.Lifetime.StopApplication();
    }

    /// <summary>
    /// Runs the startup flow up to a validated model without binding listeners (validate-config).
    /// Throws <see cref="ConfigException"/> listing every problem.
    /// </summary>
    public async Task<RuntimeState<TModel>> ValidateAsync(CancellationToken cancellationToken = default)
    {
        var configuration = await BootstrapAsync(cancellationToken).ConfigureAwait(false);
        return _stateBuilder.Build(configuration).State;
    }

    /// <summary>Reload on SIGHUP until the process stops, also when the process was started with SIGHUP ignored (nohup).</summary>
    public void EnableReloadOnHangup()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (InheritedSignalDisposition.ResetIgnoredHangup())
        {
            _logger.LogDebug("SIGHUP was ignored when the process started (nohup?); it reloads the configuration all the same");
        }

        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _logger.LogInformation("SIGHUP received: reloading configuration");
            _ = Task.Run(() => ReloadAsync(CancellationToken.None));
        });
    }

    /// <summary>
    /// Re-reads local config (re-downloading from config-server when configured), builds and validates a new
    /// model and swaps it in atomically. An invalid configuration keeps the last good model.
    /// </summary>
    public async Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _state ?? throw new InvalidOperationException("the runtime has not started");
            if (_retired)
            {
                return new ReloadReport(false, [], ["the runtime is stopping; reload skipped"]);
            }

            ReloadReport report;
            try
            {
                var configuration = await BootstrapAsync(cancellationToken).ConfigureAwait(false);
                var (next, _) = _stateBuilder.Build(configuration);
                LogWarnings(next);
                await ActivateAsync(next.Model, cancellationToken).ConfigureAwait(false);
                var results = ModuleRegistry.Diff(current.Modules, next.Modules, RestartOnlyModules);
                StartupLogFilter.ApplyBaseline(_options, configuration, _logger);
                _state = next;
                Modules.Replace(next.Modules);
                await RetireAsync(current.Model).ConfigureAwait(false);
                report = new ReloadReport(true, results, []);
                _logger.LogInformation("{Report}", report.ToString());
            }
            catch (ConfigException ex)
            {
                var problems = ex.Problems.Select(p => p.ToString()).ToArray();
                var failedFiles = ex.Problems.Select(p => p.UsedBy ?? p.File).Where(f => f is not null).Select(f => Path.GetFileName(f!)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var results = current.Modules
                    .Select(m => new ModuleReloadResult(
                        m.Id,
                        m.ConfigFile is not null && failedFiles.Contains(m.ConfigFile) ? ModuleReloadStatus.Failed : ModuleReloadStatus.Skipped))
                    .ToArray();
                report = new ReloadReport(false, results, problems);
                _logger.LogError("{Report}", report.ToString());
            }

            return report;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <summary>Waits until SIGTERM/SIGINT (or <see cref="StopAsync"/>) and then drains.</summary>
    public async Task WaitForShutdownAsync()
    {
        var app = _app ?? throw new InvalidOperationException("the runtime has not started");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        await RetireCurrentAsync().ConfigureAwait(false);
        Lifecycle.MoveTo(LifecycleState.Stopped);
        _logger.LogInformation("{Service} stopped", _options.ServiceName);
    }

    /// <summary>Stops accepting connections and gives in-flight requests server.shutdownGracefulPeriod to finish.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }

        Lifecycle.MoveTo(LifecycleState.Draining);
        await _app.StopAsync().ConfigureAwait(false);
        await RetireCurrentAsync().ConfigureAwait(false);
        Lifecycle.MoveTo(LifecycleState.Stopped);
    }

    public async ValueTask DisposeAsync()
    {
        _hangup?.Dispose();
        _skipPreStop.Cancel();
        await DisposeAppAsync().ConfigureAwait(false);
        await RetireCurrentAsync().ConfigureAwait(false);
        if (_builder is IAsyncDisposable builder)
        {
            await builder.DisposeAsync().ConfigureAwait(false);
        }

        _loggerFactory.Dispose();
        _reloadLock.Dispose();
        _skipPreStop.Dispose();
    }

    private async Task ActivateAsync(TModel model, CancellationToken cancellationToken)
    {
        if (_activator is null)
        {
            return;
        }

        try
        {
            await _activator.ActivateAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RetireAsync(model).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask RetireAsync(TModel model)
    {
        if (_activator is null)
        {
            return;
        }

        try
        {
            await _activator.RetireAsync(model).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Releasing the resources of a retired runtime model failed");
        }
    }

    /// <summary>Retires the serving model once, at stop.</summary>
    private async ValueTask RetireCurrentAsync()
    {
        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_state is { } state && !_retired)
            {
                _retired = true;
                await RetireAsync(state.Model).ConfigureAwait(false);
            }
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    private async Task<RuntimeConfiguration> BootstrapAsync(CancellationToken cancellationToken)
    {
        var bootstrapper = new ConfigBootstrapper(
            _options.EmbeddedConfig, _options.RootDirectory, _options.Environment, _loggerFactory.CreateLogger("LightFabric.Runtime.Bootstrap"),
            _options.TimeProvider);
        if (Lifecycle.State == LifecycleState.BootstrapLocal)
        {
            Lifecycle.MoveTo(LifecycleState.BootstrapRemote);
        }

        var configuration = await bootstrapper.BootstrapAsync(_options.AllowRemoteBootstrap, cancellationToken).ConfigureAwait(false);
        BootstrapLog.Write(_logger, configuration);
        return configuration;
    }

    private void LogWarnings(RuntimeState<TModel> state)
    {
        foreach (var warning in state.Warnings)
        {
            _logger.LogWarning("Configuration: {Warning}", warning.ToString());
        }
    }

    private WebApplication CreateApp(ServerConfig server)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = _options.RootDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        // Registered as an instance, so the host logs through it without disposing it.
        builder.Services.AddSingleton<ILoggerFactory>(new HostLoggerFactory(_loggerFactory));
        builder.Services.AddSingleton<IHostLifetime>(new StopSignals(RequestStop, StopNow));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(server.ShutdownGracefulPeriod));
        builder.WebHost.UseKestrel(k => KestrelListeners.Configure(k, server, _options.RootDirectory, _options.IpOverride));

        var app = builder.Build();
        app.Run(HandleAsync);
        return app;
    }

    /// <summary>Health answers before any handler chain, so probes work whatever the chains say.</summary>
    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path == "/health")
        {
            return WriteText(context, StatusCodes.Status200OK, "ok");
        }

        if (path == "/health/ready")
        {
            return WriteReadinessAsync(context);
        }

        if (_state is not { } state)
        {
            // Listening while the model starts: only the health endpoints are served yet.
            context.Response.Headers.RetryAfter = "5";
            return WriteText(context, StatusCodes.Status503ServiceUnavailable,
                $"{_options.ServiceName} is starting; retry shortly (GET /health/ready says what it waits for)");
        }

        return _handleRequest(context, state.Model);
    }

    private Task WriteReadinessAsync(HttpContext context)
    {
        var model = _state?.Model ?? _activating;
        var upstreams = model is null || _upstreams is null ? [] : _upstreams(model);
        return ReadinessEndpoint.WriteAsync(context, Lifecycle.State, upstreams);
    }

    private static Task WriteText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text);
    }

    private async Task DisposeAppAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}
