using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Security;

/// <summary>
/// The signing keys of the authorization server, fetched from its JWKS endpoint and cached. A token naming
/// an unknown <c>kid</c> asks for a refresh; refreshes are single-flight (concurrent callers share one fetch)
/// and rate-limited (at most one fetch per <c>keyRefreshMinIntervalSeconds</c>), so tokens with made-up key
/// ids cannot make the gateway hammer the key server.
/// </summary>
public sealed class JwksKeyStore : IDisposable
{
    private readonly OAuthKeyConfig _config;
    private readonly TimeSpan _minInterval;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private volatile SigningKeySet? _keys;
    private Task<RefreshResult>? _inFlight;
    private long _lastAttempt = long.MinValue;

    /// <param name="time">The clock of the refresh rate limit; the system clock when null.</param>
    public JwksKeyStore(OAuthKeyConfig config, TimeSpan minInterval, ILogger logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _config = config;
        _minInterval = minInterval;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };
        if (!config.VerifyHostname || (config.CaCertPath is { } path && File.Exists(path)))
        {
            var trust = config.CaCertPath is { } ca && File.Exists(ca) ? LoadCertificates(ca) : null;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) => Validate(cert, errors, trust, config.VerifyHostname),
            };
        }

        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Number of JWKS fetches made (successful or not).</summary>
    public int FetchCount => _fetchCount;

    private int _fetchCount;

    public Uri? Url => _config.JwksUrl;

    /// <summary>The cached keys, fetching them on first use.</summary>
    public async ValueTask<KeyLookup> GetKeysAsync(CancellationToken cancellationToken)
    {
        if (_keys is { } keys)
        {
            return new KeyLookup(keys, null);
        }

        var result = await RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new KeyLookup(result.Keys ?? SigningKeySet.Empty, result.Error);
    }

    /// <summary>
    /// The keys after a refresh for an unknown key id, or the cached keys unchanged when a refresh happened
    /// less than the minimum interval ago.
    /// </summary>
    public async ValueTask<KeyLookup> RefreshForUnknownKeyAsync(CancellationToken cancellationToken)
    {
        var result = await RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new KeyLookup(result.Keys ?? _keys ?? SigningKeySet.Empty, result.Error);
    }

    private Task<RefreshResult> RefreshAsync()
    {
        lock (_gate)
        {
            if (_inFlight is { IsCompleted: false } running)
            {
                return running;
            }

            var now = _time.GetTimestamp();
            if (_lastAttempt != long.MinValue && _time.GetElapsedTime(_lastAttempt, now) < _minInterval)
            {
                return Task.FromResult(new RefreshResult(_keys, _keys is null ? "the key server failed recently; the next attempt is rate-limited" : null));
            }

            _lastAttempt = now;
            _inFlight = Task.Run(FetchAsync);
            return _inFlight;
        }
    }

    private async Task<RefreshResult> FetchAsync()
    {
        Interlocked.Increment(ref _fetchCount);
        var url = _config.JwksUrl!;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (!string.IsNullOrEmpty(_config.ClientId))
            {
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_config.ClientId}:{_config.ClientSecret}"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            }

            using var response = await _http.SendAsync(request).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Failed($"the key server answered {(int)response.StatusCode} for {url}");
            }

            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var skipped = new List<string>();
            var keys = SigningKeySet.Parse(body, skipped);
            foreach (var reason in skipped)
            {
                _logger.LogWarning("JWKS {Url}: {Reason}; the key is not used", url, reason);
            }

            _keys = keys;
            _logger.LogInformation("JWKS {Url}: {Count} signing keys loaded ({Kids})", url, keys.Keys.Count,
                string.Join(", ", keys.Keys.Select(k => k.Kid ?? "(no kid)")));
            return new RefreshResult(keys, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or FormatException or ObjectDisposedException)
        {
            return Failed($"fetching {url} failed: {ex.Message}");
        }

        RefreshResult Failed(string reason)
        {
            _logger.LogError("JWKS refresh failed: {Reason}", reason);
            return new RefreshResult(_keys, reason);
        }
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? trust, bool verifyHostname)
    {
        if (!verifyHostname)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || trust is null || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public void Dispose() => _http.Dispose();

    private sealed record RefreshResult(SigningKeySet? Keys, string? Error);
}

/// <param name="Error">Why the key server could not be read, when it could not.</param>
public readonly record struct KeyLookup(SigningKeySet Keys, string? Error);
