using LightFabric.Config;
using LightFabric.Config.ConfigServer;
using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Bootstrap;

/// <summary>
/// The seed's startup flow up to the runtime model: read local bootstrap config, download runtime config
/// from config-server into config-cache (or fall back to the cache, or to local files), and merge values.
/// </summary>
public sealed class ConfigBootstrapper
{
    private readonly IEmbeddedConfigSource _embedded;
    private readonly string _root;
    private readonly ConfigDirectories _directories;
    private readonly IEnvironmentReader _environment;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <param name="rootDirectory">The working directory holding config/ and config-cache/; relative paths in config resolve against it.</param>
    public ConfigBootstrapper(IEmbeddedConfigSource embedded, string rootDirectory, IEnvironmentReader environment, ILogger logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _embedded = embedded;
        _root = Path.GetFullPath(rootDirectory);
        _directories = ConfigDirectories.ForWorkingDirectory(_root);
        _environment = environment;
        _logger = logger;
    }

    /// <summary>Runs the whole flow. Throws <see cref="ConfigException"/> only for broken local bootstrap files.</summary>
    public async Task<RuntimeConfiguration> BootstrapAsync(bool allowRemote, CancellationToken cancellationToken)
    {
        var decryptor = SecretDecryptor.FromEnvironment(_environment);
        var startup = LoadStartup(decryptor, out var client);
        var directories = _directories;
        if (!string.IsNullOrWhiteSpace(startup.ExternalConfigDir))
        {
            directories = directories with { CacheDir = Path.GetFullPath(startup.ExternalConfigDir, _root) };
        }

        var source = BootstrapSource.Local;
        string? detail = null;
        var remoteValues = ConfigValues.Empty;
        if (allowRemote && startup.HasConfigServer)
        {
            (source, detail, remoteValues) = await DownloadAsync(startup, client, directories, cancellationToken).ConfigureAwait(false);
        }

        var sources = new ConfigSourceSet(_embedded, directories);
        var values = sources.LoadValues().Overlay(remoteValues);
        var loader = new ConfigLoader(sources, values, _environment, decryptor);
        return new RuntimeConfiguration(loader, source, startup, detail, _time.GetUtcNow());
    }

    /// <summary>
    /// startup.yml and client.yml come from the bootstrap layers only (embedded, config-defaults, config):
    /// what config-server delivered must not decide how config-server is reached.
    /// </summary>
    private StartupConfig LoadStartup(SecretDecryptor decryptor, out ClientConfig client)
    {
        var bootstrapSources = new ConfigSourceSet(_embedded, _directories with { CacheDir = _directories.ConfigDir });
        var loader = new ConfigLoader(bootstrapSources, bootstrapSources.LoadValues(), _environment, decryptor);
        var startup = loader.TryLoad("startup")?.Bind<StartupConfig>() ?? new StartupConfig();
        client = loader.TryLoad("client")?.Bind<ClientConfig>() ?? new ClientConfig();

        // LIGHT_PORTAL_AUTHORIZATION always wins over startup.authorization; LIGHT_ENV fills an empty envTag.
        var envAuthorization = _environment.Get("LIGHT_PORTAL_AUTHORIZATION");
        if (!string.IsNullOrWhiteSpace(envAuthorization))
        {
            startup = startup with { Authorization = envAuthorization };
        }

        if (string.IsNullOrWhiteSpace(startup.EnvTag))
        {
            startup = startup with { EnvTag = _environment.Get("LIGHT_ENV") is { Length: > 0 } env ? env : "dev" };
        }

        return startup;
    }

    private async Task<(BootstrapSource, string?, ConfigValues)> DownloadAsync(
        StartupConfig startup, ClientConfig client, ConfigDirectories directories, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(startup.ConfigServerUri, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            throw new ConfigException(
                $"configServerUri '{startup.ConfigServerUri}' is not an http(s) URL; set light-config-server-uri to e.g. https://config-server:8435",
                "startup.yml", "configServerUri");
        }

        if (!client.Tls.VerifyHostname)
        {
            _logger.LogWarning("client.yml tls.verifyHostname is false: config-server host names are not verified");
        }

        var request = new ConfigServerRequest
        {
            BaseUri = baseUri,
            Host = startup.Host,
            ServiceId = startup.ServiceId,
            EnvTag = startup.EnvTag,
            ProductId = startup.ProductId,
            ProductVersion = startup.ProductVersion,
            ApiId = startup.ApiId,
            ApiVersion = startup.ApiVersion,
            AcceptHeader = string.IsNullOrWhiteSpace(startup.AcceptHeader) ? "application/yaml" : startup.AcceptHeader,
            Authorization = AuthorizationHeader.Normalize(startup.Authorization),
            Timeout = TimeSpan.FromMilliseconds(startup.Timeout > 0 ? startup.Timeout : 3000),
            ConnectTimeout = TimeSpan.FromMilliseconds(startup.ConnectTimeout > 0 ? startup.ConnectTimeout : 3000),
            CaCertPath = FirstExisting(startup.BootstrapCaCertPath, client.Tls.CaCertPath),
            VerifyHostname = client.Tls.VerifyHostname,
        };

        var cache = new ConfigCacheWriter(directories.CacheDir);
        using var configServer = new ConfigServerClient(request);
        ConfigValues values;
        try
        {
            values = await configServer.FetchValuesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigServerException ex)
        {
            return Fallback(ex.Message, directories);
        }

        // The downloaded values are used even when the cache cannot be written; only the next offline start loses them.
        TryWriteCache(cache, "values.yml", System.Text.Encoding.UTF8.GetBytes(values.ToYaml()));
        _logger.LogInformation(
            "Downloaded {Count} values from config-server {Uri} for serviceId {ServiceId} envTag {EnvTag} into {CacheDir}",
            values.Count, baseUri, request.ServiceId, request.EnvTag, cache.CacheDirectory);

        foreach (var kind in new[] { ConfigServerFileKind.Certs, ConfigServerFileKind.Files })
        {
            try
            {
                var files = await configServer.FetchFileMapAsync(kind, cancellationToken).ConfigureAwait(false);
                foreach (var (name, content) in files)
                {
                    TryWriteCache(cache, name, content);
                }

                if (files.Count > 0)
                {
                    _logger.LogInformation("Wrote {Count} {Kind} from config-server into {CacheDir}", files.Count, kind.ToString().ToLowerInvariant(), cache.CacheDirectory);
                }
            }
            catch (ConfigServerException ex)
            {
                _logger.LogWarning("Could not download {Kind} from config-server: {Reason}", kind.ToString().ToLowerInvariant(), ex.Message);
            }
        }

        return (BootstrapSource.ConfigServer, baseUri.ToString(), values);
    }

    private void TryWriteCache(ConfigCacheWriter cache, string name, byte[] content)
    {
        try
        {
            cache.Write(name, content);
        }
        catch (ConfigServerException ex)
        {
            _logger.LogError("Skipped a file from config-server: {Reason}", ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(
                "Cannot write {Name} from config-server into {CacheDir}: {Reason}. Downloaded values still apply to this run, but a start without config-server will not find them; make config-cache writable by this service.",
                name, cache.CacheDirectory, ex.Message);
        }
    }

    private (BootstrapSource, string?, ConfigValues) Fallback(string reason, ConfigDirectories directories)
    {
        var cachedValues = new[] { "values.yml", "values.yaml" }
            .Select(n => Path.Combine(directories.CacheDir, n))
            .FirstOrDefault(File.Exists);
        if (cachedValues is not null)
        {
            var written = File.GetLastWriteTimeUtc(cachedValues);
            _logger.LogError(
                "config-server bootstrap failed ({Reason}); starting from the cached configuration in {CacheDir} downloaded at {CachedAt:O}",
                reason, directories.CacheDir, written);
            return (BootstrapSource.Cache, $"{reason}; cache from {written:O}", ConfigValues.Empty);
        }

        _logger.LogError(
            "config-server bootstrap failed ({Reason}) and {CacheDir} holds no cached values.yml; starting from local configuration only",
            reason, directories.CacheDir);
        return (BootstrapSource.LocalFallback, reason, ConfigValues.Empty);
    }

    private string? FirstExisting(params string?[] paths) =>
        paths.Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => Path.GetFullPath(p!, _root))
            .FirstOrDefault(File.Exists);
}
