using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LightFabric.Config;
using LightFabric.JsonSchema;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Routing;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>
/// mcp-router.yml → <see cref="McpRouterSettings"/>. Accepts what config-server and older gateways write:
/// <c>tools</c> and schemas as JSON strings, snake_case aliases, and SatGate's <c>upstreams:</c> map for
/// <c>servers:</c>. Every problem is reported with its key; nothing is half-applied.
/// </summary>
public sealed partial class McpRouterConfigReader(Action<string, string> problem)
{
    public const string FileName = "mcp-router.yml";

    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private static readonly ConfigKeys ServerKeys = ConfigKeys.Map(
        "name", "transport", "command", "args", "env", "inheritEnv", "cwd", "url", "headers", "prefix",
        ("tools", ConfigKeys.Map("include", "exclude")),
        "timeoutMs", "connectTimeoutMs", "restartDelayMs", "maxRestartDelayMs", "healthCheckIntervalMs", "healthCheckTimeoutMs",
        "healthCheckMisses", "maxMessageBytes", "required");

    /// <summary>What <see cref="Read"/> reads, snake_case aliases included; keep it beside the reader.</summary>
    public static readonly ConfigKeys Keys = ConfigKeys.Map(
        "enabled", "path", "maxSessions", "maxSessionsPerClient", "sessionIdleTimeoutMs", "maxRequestBodyBytes", "maxResponseBodyBytes",
        "maxJsonDepth", "originAllowlist", "dnsRebindingProtection", "allowedHosts", "toolsPageSize", "upstreamStartupWaitMs",
        "httpToolTimeoutMs", "prefixMode", "trustedProxies",
        ("protocols", ConfigKeys.Map(("stateless", ConfigKeys.Map("enabled")))),
        ("schemaValidation", ConfigKeys.Map("maxSchemaBytes", "maxSubschemas", "maxSchemaDepth", "maxValueDepth", "maxSteps", "maxErrors", "patternTimeoutMs")),
        ("tools", ConfigKeys.ListOf(ConfigKeys.Map(
            "name", "apiType", "api_type", "serviceId", "service_id", "targetHost", "target_host", "path", "method",
            "inputSchema", "input_schema", "outputSchema", "output_schema", "toolMetadata", "tool_metadata",
            "endpointName", "endpoint_name", "description", "endpoint", "envTag", "env_tag", "protocol"))),
        ("servers", ConfigKeys.ListOf(ServerKeys)),
        ("upstreams", ConfigKeys.MapOf(ServerKeys)));

    public McpRouterSettings Read(JsonObject values)
    {
        var defaults = new McpRouterSettings();
        var path = String(values, "path") ?? defaults.Path;
        if (!path.StartsWith('/'))
        {
            problem("path", $"'{path}' must start with '/' (e.g. /mcp)");
        }

        // Read before the tools, whose schemas are compiled with these bounds.
        var schemaValidation = SchemaValidation(values);
        return new McpRouterSettings
        {
            Enabled = Bool(values, "enabled") ?? true,
            Path = path,
            MaxSessions = Int(values, "maxSessions", 1) ?? defaults.MaxSessions,
            MaxSessionsPerClient = Int(values, "maxSessionsPerClient", 1) ?? defaults.MaxSessionsPerClient,
            SessionIdleTimeout = Millis(values, "sessionIdleTimeoutMs") ?? defaults.SessionIdleTimeout,
            MaxRequestBodyBytes = Int(values, "maxRequestBodyBytes", 1024) ?? defaults.MaxRequestBodyBytes,
            MaxResponseBodyBytes = Int(values, "maxResponseBodyBytes", 1024) ?? defaults.MaxResponseBodyBytes,
            MaxJsonDepth = Int(values, "maxJsonDepth", 8) ?? defaults.MaxJsonDepth,
            OriginAllowlist = ConfigBinder.StringList(values["originAllowlist"]),
            DnsRebindingProtection = RebindingMode(values),
            StatelessEnabled = values["protocols"]?["stateless"] is not JsonObject stateless || Bool(stateless, "enabled") != false,
            AllowedHosts = ConfigBinder.StringList(values["allowedHosts"]),
            TrustedProxies = TrustedProxies(values),
            ToolsPageSize = Int(values, "toolsPageSize", 1) ?? defaults.ToolsPageSize,
            UpstreamStartupWait = Millis(values, "upstreamStartupWaitMs") ?? defaults.UpstreamStartupWait,
            HttpToolTimeout = Millis(values, "httpToolTimeoutMs") ?? defaults.HttpToolTimeout,
            PrefixMode = PrefixMode(values),
            SchemaValidation = schemaValidation,
            Tools = ReadTools(values, schemaValidation),
            Servers = ReadServers(values),
        };
    }

    private LightFabric.Mcp.Server.DnsRebindingProtection RebindingMode(JsonObject values)
    {
        var text = String(values, "dnsRebindingProtection");
        if (text is null)
        {
            return LightFabric.Mcp.Server.DnsRebindingProtection.Auto;
        }

        if (Enum.TryParse<LightFabric.Mcp.Server.DnsRebindingProtection>(text, ignoreCase: true, out var mode) && !int.TryParse(text, out _))
        {
            return mode;
        }

        if (bool.TryParse(text, out var flag))
        {
            return flag ? LightFabric.Mcp.Server.DnsRebindingProtection.On : LightFabric.Mcp.Server.DnsRebindingProtection.Off;
        }

        problem("dnsRebindingProtection", $"'{text}' is not a mode; use auto, on or off");
        return LightFabric.Mcp.Server.DnsRebindingProtection.Auto;
    }

    private List<System.Net.IPNetwork> TrustedProxies(JsonObject values)
    {
        var networks = new List<System.Net.IPNetwork>();
        var entries = ConfigBinder.StringList(values["trustedProxies"]);
        for (var i = 0; i < entries.Count; i++)
        {
            if (ClientAddress.TryParseNetwork(entries[i], out var network))
            {
                networks.Add(network);
            }
            else
            {
                problem($"trustedProxies[{i}]", $"'{entries[i]}' is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.10, fd00::/8)");
            }
        }

        return networks;
    }

    private ToolPrefixMode PrefixMode(JsonObject values)
    {
        var text = String(values, "prefixMode");
        if (text is null)
        {
            return ToolPrefixMode.Conditional;
        }

        if (Enum.TryParse<ToolPrefixMode>(text, ignoreCase: true, out var mode) && !int.TryParse(text, out _))
        {
            return mode;
        }

        problem("prefixMode", $"'{text}' is not a prefix mode; use always, conditional or never");
        return ToolPrefixMode.Conditional;
    }

    /// <summary>
    /// <c>schemaValidation:</c>. The upper limits keep a configuration from switching the protection off by accident:
    /// deeper nesting than these risks the stack, more steps than these lets one call hold a thread for seconds.
    /// </summary>
    private JsonSchemaOptions SchemaValidation(JsonObject values)
    {
        const string Key = "schemaValidation";
        var node = Structured(values[Key]);
        if (node is null || IsEmptyText(node))
        {
            return JsonSchemaOptions.Default;
        }

        if (node is not JsonObject block)
        {
            problem(Key, "must be a map (maxSchemaBytes, maxSubschemas, maxSchemaDepth, maxValueDepth, maxSteps, maxErrors, patternTimeoutMs)");
            return JsonSchemaOptions.Default;
        }

        var defaults = JsonSchemaOptions.Default;
        return defaults with
        {
            MaxSchemaBytes = Int(block, "maxSchemaBytes", 1024, Key, 16 * 1024 * 1024) ?? defaults.MaxSchemaBytes,
            MaxSubschemas = Int(block, "maxSubschemas", 1, Key, 65_536) ?? defaults.MaxSubschemas,
            MaxDepth = Int(block, "maxSchemaDepth", 1, Key, 256) ?? defaults.MaxDepth,
            MaxInstanceDepth = Int(block, "maxValueDepth", 1, Key, 512) ?? defaults.MaxInstanceDepth,
            MaxSteps = Int(block, "maxSteps", 1, Key, 10_000_000) ?? defaults.MaxSteps,
            MaxErrors = Int(block, "maxErrors", 1, Key, 100) ?? defaults.MaxErrors,
            RegexTimeout = Int(block, "patternTimeoutMs", 1, Key, 10_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.RegexTimeout,
        };
    }

    private IReadOnlyList<ConfiguredTool> ReadTools(JsonObject values, JsonSchemaOptions schemaOptions)
    {
        var node = Structured(values["tools"]);
        if (node is null || node is JsonValue { } v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim().Length == 0)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            problem("tools", "must be a list of tools (a YAML list or a JSON array string)");
            return [];
        }

        var tools = new List<ConfiguredTool>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var key = $"tools[{i}]";
            if (array[i] is not JsonObject entry)
            {
                problem(key, "must be a map with name, targetHost, path and method");
                continue;
            }

            if (ReadTool(entry, key, schemaOptions) is { } tool)
            {
                if (!names.Add(tool.Name))
                {
                    problem($"{key}.name", $"tool name '{tool.Name}' is used twice; tool names must be unique");
                    continue;
                }

                tools.Add(tool);
            }
        }

        return tools;
    }

    private ConfiguredTool? ReadTool(JsonObject entry, string key, JsonSchemaOptions schemaOptions)
    {
        var ok = true;
        var name = String(entry, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            problem($"{key}.name", "is required");
            ok = false;
        }
        else if (!ToolName().IsMatch(name))
        {
            problem($"{key}.name", $"'{name}' is not a valid MCP tool name (1-128 of A-Z a-z 0-9 _ - .)");
            ok = false;
        }

        var apiType = (String(entry, "apiType", "api_type") ?? "http").ToLowerInvariant();
        ConfiguredToolKind kind;
        switch (apiType)
        {
            case "" or "http" or "rest" or "openapi":
                kind = ConfiguredToolKind.Http;
                break;
            case "mcp":
                kind = ConfiguredToolKind.Mcp;
                break;
            default:
                problem($"{key}.apiType", $"'{apiType}' is not supported; use http or mcp");
                kind = ConfiguredToolKind.Http;
                ok = false;
                break;
        }

        var serviceId = String(entry, "serviceId", "service_id");
        var targetText = String(entry, "targetHost", "target_host");
        Uri? target = null;
        if (string.IsNullOrWhiteSpace(targetText))
        {
            problem($"{key}.targetHost", serviceId is null
                ? "is required (the backend base URL, e.g. http://localhost:7081)"
                : $"is required: discovery of serviceId '{serviceId}' needs the controller, which this build does not include; set targetHost");
            ok = false;
        }
        else if (!Uri.TryCreate(targetText, UriKind.Absolute, out target) || (target.Scheme != "http" && target.Scheme != "https"))
        {
            problem($"{key}.targetHost", $"'{targetText}' is not an absolute http or https URL");
            ok = false;
        }

        var path = String(entry, "path") ?? "";
        if (path.Length == 0 && kind == ConfiguredToolKind.Http)
        {
            problem($"{key}.path", "is required (e.g. /weather)");
            ok = false;
        }

        var inputSchema = Schema(entry, key, "inputSchema", "input_schema") ?? new JsonObject { ["type"] = "object" };
        var outputSchema = Schema(entry, key, "outputSchema", "output_schema");
        var metadata = Structured(Get(entry, "toolMetadata", "tool_metadata"));
        if (metadata is not null and not JsonObject)
        {
            problem($"{key}.toolMetadata", "must be a map (or a JSON object string)");
            ok = false;
        }

        var method = (String(entry, "method") ?? "CALL").ToUpperInvariant();
        if (method == "CALL")
        {
            // light-4j's CALL: a tool with an input schema takes a body.
            method = Get(entry, "inputSchema", "input_schema") is null ? "GET" : "POST";
        }
        else if (!HttpMethods.Contains(method))
        {
            problem($"{key}.method", $"'{method}' is not supported; use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or CALL");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var tool = new ConfiguredTool
        {
            Name = name!,
            EndpointName = String(entry, "endpointName", "endpoint_name"),
            Description = String(entry, "description"),
            Kind = kind,
            TargetHost = target!,
            Path = path,
            Method = method,
            Endpoint = String(entry, "endpoint") ?? $"{path}@{method.ToLowerInvariant()}",
            SchemaOptions = schemaOptions,
            InputSchema = inputSchema,
            OutputSchema = outputSchema,
            ToolMetadata = metadata as JsonObject,
            ServiceId = serviceId,
            EnvTag = String(entry, "envTag", "env_tag"),
            Protocol = String(entry, "protocol"),
        };

        // Schemas are compiled once, here; one that does not compile keeps the tool (and the router) from loading.
        if (tool.InputSchemaProblem is { } inputProblem)
        {
            problem($"{key}.inputSchema", inputProblem);
        }

        if (tool.OutputSchemaProblem is { } outputProblem)
        {
            problem($"{key}.outputSchema", outputProblem);
        }

        return tool.InputSchemaProblem is null && tool.OutputSchemaProblem is null ? tool : null;
    }

    private IReadOnlyList<UpstreamServerEntry> ReadServers(JsonObject values)
    {
        var entries = new List<(string Key, JsonObject Entry, string? ImpliedName)>();
        if (Structured(values["servers"]) is { } servers)
        {
            if (servers is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject entry)
                    {
                        entries.Add(($"servers[{i}]", entry, null));
                    }
                    else
                    {
                        problem($"servers[{i}]", "must be a map with name and transport");
                    }
                }
            }
            else if (!IsEmptyText(servers))
            {
                problem("servers", "must be a list of servers (name, transport, command or url)");
            }
        }

        // SatGate's form: a map from server name to its settings.
        if (Structured(values["upstreams"]) is JsonObject upstreams)
        {
            foreach (var (name, node) in upstreams)
            {
                if (node is JsonObject entry)
                {
                    entries.Add(($"upstreams.{name}", entry, name));
                }
                else
                {
                    problem($"upstreams.{name}", "must be a map with transport and command or url");
                }
            }
        }

        var result = new List<UpstreamServerEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, entry, impliedName) in entries)
        {
            if (ReadServer(entry, key, impliedName) is { } server)
            {
                if (!names.Add(server.Settings.Name))
                {
                    problem($"{key}.name", $"server name '{server.Settings.Name}' is used twice; server names must be unique");
                    continue;
                }

                result.Add(server);
            }
        }

        return result;
    }

    private UpstreamServerEntry? ReadServer(JsonObject entry, string key, string? impliedName)
    {
        var ok = true;
        var name = String(entry, "name") ?? impliedName;
        if (string.IsNullOrWhiteSpace(name) || !ServerName().IsMatch(name))
        {
            problem($"{key}.name", name is null ? "is required" : $"'{name}' must be 1-64 of A-Z a-z 0-9 _ -");
            return null;
        }

        var transportText = (String(entry, "transport") ?? "").ToLowerInvariant();
        UpstreamTransportKind transport;
        switch (transportText)
        {
            case "stdio":
                transport = UpstreamTransportKind.Stdio;
                break;
            case "sse":
                transport = UpstreamTransportKind.Sse;
                break;
            case "http" or "streamable-http" or "streamablehttp" or "streamable_http":
                transport = UpstreamTransportKind.Http;
                break;
            default:
                problem($"{key}.transport", transportText.Length == 0 ? "is required: stdio, sse or http" : $"'{transportText}' is not a transport; use stdio, sse or http");
                return null;
        }

        IReadOnlyList<string> command = [];
        Uri? url = null;
        if (transport == UpstreamTransportKind.Stdio)
        {
            command = Command(entry);
            if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
            {
                problem($"{key}.command", "is required for stdio: the program and its arguments, e.g. [\"npx\", \"-y\", \"@modelcontextprotocol/server-everything\"]");
                ok = false;
            }
        }
        else
        {
            var urlText = String(entry, "url");
            if (urlText is null || !Uri.TryCreate(urlText, UriKind.Absolute, out url) || (url.Scheme != "http" && url.Scheme != "https"))
            {
                problem($"{key}.url", urlText is null ? $"is required for {transportText}" : $"'{urlText}' is not an absolute http or https URL");
                ok = false;
            }
        }

        var prefix = String(entry, "prefix") ?? name;
        if (!ServerName().IsMatch(prefix))
        {
            problem($"{key}.prefix", $"'{prefix}' must be 1-64 of A-Z a-z 0-9 _ -");
            ok = false;
        }

        var filter = ToolNameFilter.All;
        if (Structured(entry["tools"]) is JsonObject tools)
        {
            filter = new ToolNameFilter(ConfigBinder.StringList(tools["include"]), ConfigBinder.StringList(tools["exclude"]));
        }
        else if (entry["tools"] is not null)
        {
            problem($"{key}.tools", "must be a map with include and/or exclude lists of tool-name patterns");
            ok = false;
        }

        var defaults = new UpstreamServerSettings { Name = name, Transport = transport };
        var settings = defaults with
        {
            Command = command,
            Environment = StringMap(entry, key, "env"),
            InheritEnvironment = Bool(entry, "inheritEnv") ?? false,
            WorkingDirectory = String(entry, "cwd"),
            Url = url,
            Headers = StringMap(entry, key, "headers"),
            RequestTimeout = Millis(entry, "timeoutMs", key) ?? defaults.RequestTimeout,
            ConnectTimeout = Millis(entry, "connectTimeoutMs", key) ?? defaults.ConnectTimeout,
            RestartDelay = Millis(entry, "restartDelayMs", key) ?? defaults.RestartDelay,
            MaxRestartDelay = Millis(entry, "maxRestartDelayMs", key) ?? defaults.MaxRestartDelay,
            HealthCheckInterval = Millis(entry, "healthCheckIntervalMs", key) ?? defaults.HealthCheckInterval,
            HealthCheckTimeout = Millis(entry, "healthCheckTimeoutMs", key) ?? defaults.HealthCheckTimeout,
            HealthCheckMisses = Int(entry, "healthCheckMisses", 1, key, 100) ?? defaults.HealthCheckMisses,
            MaxMessageBytes = Int(entry, "maxMessageBytes", 1024, key, 1024 * 1024 * 1024) ?? defaults.MaxMessageBytes,
        };
        return ok ? new UpstreamServerEntry(settings, prefix, filter, Bool(entry, "required") ?? true) : null;
    }

    /// <summary><c>command: [prog, args…]</c>, or <c>command: prog</c> with <c>args: [...]</c> as MCP client configs write it.</summary>
    private static IReadOnlyList<string> Command(JsonObject entry)
    {
        var command = entry["command"] switch
        {
            JsonArray array => array.Select(n => n?.ToString() ?? "").ToList(),
            JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().TrimStart().StartsWith('[')
                => ConfigBinder.StringList(value).ToList(),
            JsonValue value => [value.ToString()],
            _ => [],
        };
        command.AddRange(ConfigBinder.StringList(entry["args"]));
        return command;
    }

    private IReadOnlyDictionary<string, string> StringMap(JsonObject entry, string key, string name)
    {
        var node = Structured(entry[name]);
        if (node is null || IsEmptyText(node))
        {
            return new Dictionary<string, string>();
        }

        if (node is not JsonObject map)
        {
            problem($"{key}.{name}", "must be a map of names to values");
            return new Dictionary<string, string>();
        }

        return map.ToDictionary(p => p.Key, p => p.Value switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            var other => other.ToJsonString(),
        }, StringComparer.Ordinal);
    }

    private JsonObject? Schema(JsonObject entry, string key, string name, string alias)
    {
        var node = Structured(Get(entry, name, alias));
        if (node is null)
        {
            return null;
        }

        if (node is JsonObject schema)
        {
            return (JsonObject)schema.DeepClone();
        }

        problem($"{key}.{name}", "must be a JSON Schema object (a map or a JSON object string)");
        return null;
    }

    private static JsonNode? Get(JsonObject entry, string name, string? alias = null) =>
        entry.TryGetPropertyValue(name, out var node) || (alias is not null && entry.TryGetPropertyValue(alias, out node)) ? node : null;

    private static JsonNode? Structured(JsonNode? node) => ConfigBinder.Structured(node);

    private static bool IsEmptyText(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim().Length == 0;

    private static string? String(JsonObject entry, string name, string? alias = null) => Get(entry, name, alias) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s ? s : null,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private bool? Bool(JsonObject entry, string name)
    {
        var node = Get(entry, name);
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && (v.TryGetValue<bool>(out var b) || (v.TryGetValue<string>(out var s) && bool.TryParse(s, out b))))
        {
            return b;
        }

        problem(name, $"'{node.ToJsonString()}' is not true or false");
        return null;
    }

    private int? Int(JsonObject entry, string name, int minimum, string? keyPrefix = null, int maximum = int.MaxValue)
    {
        var node = Get(entry, name);
        if (node is null)
        {
            return null;
        }

        var key = keyPrefix is null ? name : $"{keyPrefix}.{name}";
        if (node is JsonValue v && (v.TryGetValue<int>(out var i) || (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out i))))
        {
            if (i >= minimum && i <= maximum)
            {
                return i;
            }

            problem(key, i < minimum ? $"{i} is below the minimum {minimum}" : $"{i} is above the maximum {maximum}");
            return null;
        }

        problem(key, $"'{node.ToJsonString()}' is not a whole number");
        return null;
    }

    private TimeSpan? Millis(JsonObject entry, string name, string? keyPrefix = null) =>
        Int(entry, name, 1, keyPrefix) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex ToolName();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ServerName();
}
