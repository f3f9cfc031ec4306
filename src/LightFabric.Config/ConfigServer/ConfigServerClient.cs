using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace LightFabric.Config.ConfigServer;

/// <summary>
/// Reads a service's runtime configuration from config-server: <c>/config-server/configs</c> (values),
/// <c>/certs</c> and <c>/files</c> (base64 JSON maps).
/// </summary>
public sealed class ConfigServerClient : IDisposable
{
    private readonly ConfigServerRequest _request;
    private readonly HttpClient _http;

    public ConfigServerClient(ConfigServerRequest request)
    {
        _request = request;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = request.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.All,
        };
        var trust = LoadTrust(request.CaCertPath);
        if (trust is not null || !request.VerifyHostname)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                    ValidateServerCertificate(cert, chain, errors, trust, request.VerifyHostname),
            };
        }

        _http = new HttpClient(handler) { Timeout = request.Timeout };
    }

    /// <summary>The values map for this service (YAML or JSON flat map of dotted keys).</summary>
    public async Task<ConfigValues> FetchValuesAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync("configs", _request.AcceptHeader, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new ConfigServerException(
                $"config-server answered {(int)response.StatusCode} {response.ReasonPhrase} for /config-server/configs");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "";
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (mediaType is not ("application/yaml" or "text/yaml" or "application/x-yaml" or "text/x-yaml" or "application/json"))
        {
            throw new ConfigServerException(
                $"config-server answered /config-server/configs with content type '{mediaType}'; expected application/yaml or application/json");
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return ConfigValues.Empty;
        }

        try
        {
            return ConfigValues.Parse(body, "config-server values");
        }
        catch (ConfigException ex)
        {
            throw new ConfigServerException($"config-server values are not a valid map: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The files or certs for this service, name to content. 404 or an empty body means none.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> FetchFileMapAsync(ConfigServerFileKind kind, CancellationToken cancellationToken)
    {
        var segment = kind == ConfigServerFileKind.Certs ? "certs" : "files";
        using var response = await SendAsync(segment, "application/json", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new Dictionary<string, byte[]>();
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ConfigServerException(
                $"config-server answered {(int)response.StatusCode} {response.ReasonPhrase} for /config-server/{segment}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0 || body.AsSpan().Trim(" \t\r\n"u8).Length == 0)
        {
            return new Dictionary<string, byte[]>();
        }

        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(body) ?? [];
            return map.ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new ConfigServerException(
                $"config-server /config-server/{segment} is not a JSON object of base64 file contents: {ex.Message}", ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string segment, string accept, CancellationToken cancellationToken)
    {
        var baseText = _request.BaseUri.ToString().TrimEnd('/');
        var uri = new Uri($"{baseText}/config-server/{segment}?{_request.QueryString()}");
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        message.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        if (_request.Authorization is { } auth)
        {
            message.Headers.TryAddWithoutValidation("Authorization", auth);
        }

        try
        {
            return await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConfigServerException($"config-server at {_request.BaseUri} did not answer within {_request.Timeout.TotalMilliseconds:0} ms", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ConfigServerException($"config-server at {_request.BaseUri} is unreachable: {Innermost(ex).Message}", ex);
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static X509Certificate2Collection? LoadTrust(string? caCertPath)
    {
        if (string.IsNullOrWhiteSpace(caCertPath) || !File.Exists(caCertPath))
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(caCertPath);
        return collection.Count == 0 ? null : collection;
    }

    private static bool ValidateServerCertificate(
        X509Certificate? certificate,
        X509Chain? chain,
        SslPolicyErrors errors,
        X509Certificate2Collection? trust,
        bool verifyHostname)
    {
        if (certificate is null)
        {
            return false;
        }

        if (verifyHostname && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        if (trust is null)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var customChain = new X509Chain();
        customChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        customChain.ChainPolicy.CustomTrustStore.AddRange(trust);
        customChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                customChain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return customChain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    public void Dispose() => _http.Dispose();
}

public enum ConfigServerFileKind
{
    Certs,
    Files,
}
