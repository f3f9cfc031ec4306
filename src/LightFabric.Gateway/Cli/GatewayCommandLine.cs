using System.Reflection;
using System.Text.Json;
using LightFabric.Config;
using LightFabric.Gateway.Bridge;
using LightFabric.Gateway.Hosting;
using LightFabric.Runtime.Hosting;
using LightFabric.Runtime.Modules;

namespace LightFabric.Gateway.Cli;

/// <summary>light-gateway's commands: run (default), validate-config, and the embedded-config tools.</summary>
public static class GatewayCommandLine
{
    private const string Usage = """
        Usage:
          light-gateway [--dir PATH]                      start the gateway (config/ and config-cache/ under PATH, default: current directory)
          light-gateway validate-config [--dir PATH] [--local-only] [--show] [--strict]
                                                          load and validate the whole configuration without binding ports;
                                                          --local-only skips config-server, --show prints each module's resolved config (secrets masked),
                                                          --strict makes warnings (unknown keys) errors
          light-gateway --print-default-config FILE       print one embedded default config file (e.g. server.yml)
          light-gateway --dump-default-configs DIR        write every embedded default config file into DIR
          light-gateway cel eval --expr EXPR [--vars vars.json] [--profile strict|standard|internal-admin]
                                                          evaluate a CEL rule condition and print the result or the error with its position
          light-gateway bridge --url URL [--header "Name: value"]... [--reconnect-wait SECONDS]
                                                          MCP over stdio (for Claude Desktop and other local clients) relayed to a remote
                                                          gateway's /mcp; the token comes from LIGHT_GATEWAY_TOKEN (see bridge --help)
          light-gateway audit verify FILE|DIR...          check the audit trail's hash chain across its JSONL files
          light-gateway audit query [--db data/audit.db] [--since 24h] [--subject X] [--tool T] [--decision D] [--limit 100] [--json]
                                                          audit records newest first (a table, or JSON lines)
          light-gateway audit report [--db data/audit.db] [--since 24h] [--json]
                                                          decisions per policy, target and subject (see audit --help)
          light-gateway --version | --help

        Environment: LIGHT_LOG / RUST_LOG (filter, e.g. info,light_gateway=debug), LIGHT_LOG_FORMAT (text|json),
        LIGHT_PORTAL_AUTHORIZATION (config-server token), light_4j_config_password (CRYPT: values).
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, IEnvironmentReader? environment = null)
    {
        environment ??= ProcessEnvironment.Instance;
        if (args.Count > 0 && args[0] == "cel")
        {
            // The rule tester owns its arguments.
            return LightFabric.Cel.Tooling.CelEvalCommand.Run(args.Skip(1).ToArray(), stdout, stderr);
        }

        if (args.Count > 0 && args[0] == "bridge")
        {
            // The bridge owns its arguments (and stdout, which carries only MCP messages).
            return await BridgeCommand.RunAsync(args.Skip(1).ToArray(), stdout, stderr, environment);
        }

        if (args.Count > 0 && args[0] == "audit")
        {
            // The audit trail tools own their arguments.
            return await AuditCommand.RunAsync(args.Skip(1).ToArray(), stdout, stderr);
        }

        CommandLineArguments parsed;
        try
        {
            parsed = CommandLineArguments.Parse(args, Environment.CurrentDirectory);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"light-gateway: {ex.Message}\n\n{Usage}");
            return ExitCodes.Usage;
        }

        switch (parsed.Command)
        {
            case "help":
                await stdout.WriteLineAsync(Usage);
                return ExitCodes.Ok;
            case "version":
                await stdout.WriteLineAsync($"light-gateway {Version}");
                return ExitCodes.Ok;
            case "print-default-config":
                return await PrintDefaultConfigAsync(parsed.Value("--print-default-config")!, stdout, stderr);
            case "dump-default-configs":
                return await DumpDefaultConfigsAsync(parsed.Value("--dump-default-configs")!, stdout, stderr);
            case "validate-config":
                return await ValidateConfigAsync(parsed, stdout, stderr, environment);
            case "run":
                return await RunGatewayAsync(parsed, stderr, environment);
            default:
                await stderr.WriteLineAsync($"light-gateway: unknown command '{parsed.Command}'\n\n{Usage}");
                return ExitCodes.Usage;
        }
    }

    public static string Version =>
        typeof(GatewayCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    private static async Task<int> RunGatewayAsync(CommandLineArguments parsed, TextWriter stderr, IEnvironmentReader environment)
    {
        if (!Directory.Exists(parsed.Directory))
        {
            await stderr.WriteLineAsync($"light-gateway: --dir '{parsed.Directory}' does not exist");
            return ExitCodes.Usage;
        }

        // The seed's relative paths (config/ca.pem, config-cache) are relative to the service directory.
        Environment.CurrentDirectory = parsed.Directory;
        var options = GatewayRuntime.DefaultOptions(parsed.Directory, environment);
        await using var runtime = GatewayRuntime.Create(options);
        try
        {
            await runtime.StartAsync();
        }
        catch (ConfigException ex)
        {
            await WriteProblemsAsync(stderr, "light-gateway: the configuration is invalid; nothing was started", ex.Problems);
            return ExitCodes.InvalidConfig;
        }
        catch (ListenerBindException ex)
        {
            await stderr.WriteLineAsync($"light-gateway: {ex.Message}");
            return ExitCodes.ListenerFailed;
        }
        catch (OperationCanceledException) when (runtime.Stopping.IsCancellationRequested || runtime.Lifecycle.State >= LifecycleState.Draining)
        {
            // SIGTERM/SIGINT while the upstream servers were still starting.
            await stderr.WriteLineAsync("light-gateway: stopped before it was ready");
            return ExitCodes.Ok;
        }

        runtime.EnableReloadOnHangup();
        await runtime.WaitForShutdownAsync();
        return ExitCodes.Ok;
    }

    private static async Task<int> ValidateConfigAsync(CommandLineArguments parsed, TextWriter stdout, TextWriter stderr, IEnvironmentReader environment)
    {
        if (!Directory.Exists(parsed.Directory))
        {
            await stderr.WriteLineAsync($"light-gateway: --dir '{parsed.Directory}' does not exist");
            return ExitCodes.Usage;
        }

        var options = GatewayRuntime.DefaultOptions(parsed.Directory, environment) with
        {
            AllowRemoteBootstrap = !parsed.Has("--local-only"),
            StrictConfig = parsed.Has("--strict"),
        };
        await using var runtime = GatewayRuntime.Create(options);
        try
        {
            var state = await runtime.ValidateAsync();
            var model = state.Model;
            await stdout.WriteLineAsync(
                $"configuration is valid ({state.Configuration.Source}): {model.Routes.Count} paths, {model.ActiveHandlers.Count} active handlers, {state.Modules.Count} modules");
            foreach (var warning in state.Warnings)
            {
                await stderr.WriteLineAsync($"warning: {warning}");
            }

            if (parsed.Has("--show"))
            {
                await ShowModulesAsync(stdout, state.Modules);
            }

            return ExitCodes.Ok;
        }
        catch (ConfigException ex)
        {
            await WriteProblemsAsync(stderr, "configuration is invalid", ex.Problems);
            return ExitCodes.InvalidConfig;
        }
    }

    private static async Task ShowModulesAsync(TextWriter stdout, IReadOnlyList<ModuleInfo> modules)
    {
        var indented = new JsonSerializerOptions { WriteIndented = true };
        foreach (var module in modules)
        {
            await stdout.WriteLineAsync($"--- {module.Id} ({module.ConfigFile ?? "no config file"}, {module.Provenance})");
            await stdout.WriteLineAsync(module.MaskedConfig?.ToJsonString(indented) ?? "{}");
        }
    }

    private static async Task<int> PrintDefaultConfigAsync(string name, TextWriter stdout, TextWriter stderr)
    {
        var embedded = GatewayRuntime.EmbeddedDefaults;
        if (!embedded.TryRead(name, out var content) && !embedded.TryRead(name + ".yml", out content))
        {
            await stderr.WriteLineAsync($"light-gateway: no embedded default config named '{name}'; available: {string.Join(", ", embedded.Names.Order())}");
            return ExitCodes.Usage;
        }

        await stdout.WriteAsync(content);
        return ExitCodes.Ok;
    }

    private static async Task<int> DumpDefaultConfigsAsync(string directory, TextWriter stdout, TextWriter stderr)
    {
        var embedded = GatewayRuntime.EmbeddedDefaults;
        var root = Path.GetFullPath(directory);
        try
        {
            foreach (var name in embedded.Names.Order())
            {
                embedded.TryRead(name, out var content);
                var target = Path.Combine(root, name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, content);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"light-gateway: cannot write default configs into '{root}': {ex.Message}");
            return ExitCodes.Usage;
        }

        await stdout.WriteLineAsync($"wrote {embedded.Names.Count} default config files into {root}");
        return ExitCodes.Ok;
    }

    private static async Task WriteProblemsAsync(TextWriter stderr, string headline, IReadOnlyList<ConfigProblem> problems)
    {
        await stderr.WriteLineAsync($"{headline} ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):");
        foreach (var problem in problems)
        {
            await stderr.WriteLineAsync($"  - {problem}");
        }
    }
}
