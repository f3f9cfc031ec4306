using LightFabric.Config;
using LightFabric.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Hosting;

/// <summary>What an executable hands the runtime: where it lives and how it logs.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Process name used in logs (light-gateway).</summary>
    public required string ServiceName { get; init; }

    /// <summary>Directory holding config/, config-defaults/ and config-cache/.</summary>
    public required string RootDirectory { get; init; }

    public required IEmbeddedConfigSource EmbeddedConfig { get; init; }

    public IEnvironmentReader Environment { get; init; } = ProcessEnvironment.Instance;

    public required LoggingControl Logging { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>Skip config-server (validate-config --local-only, tests of local behaviour).</summary>
    public bool AllowRemoteBootstrap { get; init; } = true;

    /// <summary>Warnings (unknown keys) are problems that fail the build (validate-config --strict).</summary>
    public bool StrictConfig { get; init; }

    /// <summary>Overrides server.yml's ip (tests bind 127.0.0.1).</summary>
    public string? IpOverride { get; init; }

    /// <summary>The clock of time-dependent parts (startup waits, the pre-stop delay, session expiry, log rate limits); tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Extra logger providers (tests capture log records).</summary>
    public IReadOnlyList<ILoggerProvider> ExtraLoggerProviders { get; init; } = [];
}
