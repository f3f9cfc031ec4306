namespace LightFabric.Gateway.Bridge;

/// <summary>What <c>light-gateway bridge</c> was asked to do: the remote endpoint, its headers and the wait policy.</summary>
public sealed record BridgeOptions
{
    /// <summary>The environment variable holding the token; never taken from the command line.</summary>
    public const string TokenVariable = "LIGHT_GATEWAY_TOKEN";

    public static readonly TimeSpan DefaultRequestWait = TimeSpan.FromSeconds(10);

    public required Uri Url { get; init; }

    /// <summary>Sent with every request to the gateway: Authorization (from the token) and every --header.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a client message waits for a session while the gateway is unreachable before it is answered with an error.</summary>
    public TimeSpan RequestWait { get; init; } = DefaultRequestWait;

    /// <summary>First delay between reconnection attempts; doubled after each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public bool HasToken => Headers.ContainsKey("Authorization");

    public const string Usage = """
        Usage:
          light-gateway bridge --url URL [--header "Name: value"]... [--reconnect-wait SECONDS]

        Speaks MCP over stdio to a local MCP client (for example Claude Desktop, which starts it as a child process)
        and relays every message to a remote light-gateway's Streamable HTTP endpoint.

          --url URL                 the gateway's MCP endpoint, absolute http or https (e.g. https://gw.example.com/mcp)
          --header "Name: value"    an extra header for every request to the gateway (repeatable)
          --reconnect-wait SECONDS  how long a message waits for the gateway to come back before it is answered
                                    with an error (default 10)

        Environment:
          LIGHT_GATEWAY_TOKEN       sent as "Authorization: Bearer <token>" (a value starting with "Bearer " is sent
                                    as is). Tokens are never accepted on the command line.
          LIGHT_LOG, LIGHT_LOG_FORMAT  log filter and format; logs go to stderr, stdout carries only MCP messages.

        Exit codes: 0 when stdin closes or on SIGTERM/SIGINT, 2 for a bad command line.
        """;

    /// <summary>Parses the arguments after <c>bridge</c>. Returns null for --help.</summary>
    /// <exception cref="ArgumentException">A message for the user.</exception>
    public static BridgeOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? url = null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var wait = DefaultRequestWait;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name = arg, value;
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('='))
            {
                name = arg[..arg.IndexOf('=')];
                inline = arg[(arg.IndexOf('=') + 1)..];
            }

            switch (name)
            {
                case "--help" or "-h":
                    return null;
                case "--token" or "--bearer" or "--auth" or "--authorization":
                    throw new ArgumentException(
                        $"{name} is not accepted: a token on the command line is visible to every user of the machine; set the environment variable {TokenVariable} instead");
                case "--url":
                    value = TakeValue();
                    url = value;
                    break;
                case "--header":
                    value = TakeValue();
                    AddHeader(headers, value);
                    break;
                case "--reconnect-wait":
                    value = TakeValue();
                    if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                        || seconds < 0 || seconds > 3600)
                    {
                        throw new ArgumentException($"--reconnect-wait needs a number of seconds between 0 and 3600, not '{value}'");
                    }

                    wait = TimeSpan.FromSeconds(seconds);
                    break;
                default:
                    throw new ArgumentException(arg.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{arg}'");
            }

            string TakeValue()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value");
                }

                return args[++i];
            }
        }

        if (url is null)
        {
            throw new ArgumentException("--url is required (the gateway's MCP endpoint, e.g. https://gw.example.com/mcp)");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--url must be an absolute http or https URL, not '{url}'");
        }

        var token = environment(TokenVariable)?.Trim();
        if (!string.IsNullOrEmpty(token))
        {
            headers["Authorization"] = token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? token : "Bearer " + token;
        }

        return new BridgeOptions { Url = uri, Headers = headers, RequestWait = wait };
    }

    private static void AddHeader(Dictionary<string, string> headers, string text)
    {
        var colon = text.IndexOf(':');
        var name = colon > 0 ? text[..colon].Trim() : "";
        if (name.Length == 0 || !name.All(IsTokenChar))
        {
            throw new ArgumentException($"--header needs \"Name: value\", not '{text}'");
        }

        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--header Authorization is not accepted: set the environment variable {TokenVariable} instead");
        }

        if (name.StartsWith("Mcp-", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Accept", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--header {name} is managed by the bridge and cannot be set");
        }

        headers[name] = text[(colon + 1)..].Trim();
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}
