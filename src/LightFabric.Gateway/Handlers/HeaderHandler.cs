using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>header.yml</summary>
public sealed record HeaderConfig
{
    public bool Enabled { get; init; }
    public HeaderRules Request { get; init; } = new();
    public HeaderRules Response { get; init; } = new();
    public IReadOnlyDictionary<string, HeaderPrefixRules> PathPrefixHeader { get; init; } = new Dictionary<string, HeaderPrefixRules>();
}

public sealed record HeaderPrefixRules
{
    public HeaderRules Request { get; init; } = new();
    public HeaderRules Response { get; init; } = new();
}

public sealed record HeaderRules
{
    public IReadOnlyList<string> Remove { get; init; } = [];
    public IReadOnlyDictionary<string, string> Update { get; init; } = new Dictionary<string, string>();

    public bool IsEmpty => Remove.Count == 0 && Update.Count == 0;

    public void ApplyTo(IHeaderDictionary headers)
    {
        foreach (var name in Remove)
        {
            headers.Remove(name);
        }

        foreach (var (name, value) in Update)
        {
            headers[name] = value;
        }
    }
}

/// <summary>
/// Removes and sets request and response headers: the global rules first, then those of the longest
/// matching <c>pathPrefixHeader</c> prefix.
/// </summary>
public sealed class HeaderHandler : IGatewayHandler
{
    public static readonly HandlerDescriptor Descriptor = new("header", ["headers"], "header", ctx => new HeaderHandler(ctx.Bind<HeaderConfig>()))
    {
        Keys = LightFabric.Config.ConfigKeys.For<HeaderConfig>(),
    };

    private readonly HeaderConfig _config;
    private readonly KeyValuePair<string, HeaderPrefixRules>[] _prefixes;

    public HeaderHandler(HeaderConfig config)
    {
        _config = config;
        _prefixes = config.PathPrefixHeader.OrderByDescending(p => p.Key.Length).ToArray();
    }

    public string Id => "header";

    public ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!_config.Enabled)
        {
            return ValueTask.FromResult(HandlerOutcome.Continue);
        }

        var prefix = PathPrefix.Longest(_prefixes, exchange.Path);
        _config.Request.ApplyTo(exchange.Http.Request.Headers);
        prefix?.Request.ApplyTo(exchange.Http.Request.Headers);
        if (!_config.Response.IsEmpty || prefix is { Response.IsEmpty: false })
        {
            exchange.OnResponse(response =>
            {
                _config.Response.ApplyTo(response.Headers);
                prefix?.Response.ApplyTo(response.Headers);
            });
        }

        return ValueTask.FromResult(HandlerOutcome.Continue);
    }
}
