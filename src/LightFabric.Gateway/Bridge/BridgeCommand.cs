using System.Runtime.InteropServices;
using LightFabric.Config;
using LightFabric.Gateway.Cli;
using LightFabric.Runtime.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ModelContextProtocol.Server;

namespace LightFabric.Gateway.Bridge;

/// <summary><c>light-gateway bridge</c>: MCP over this process's stdio relayed to a remote gateway.</summary>
public static class BridgeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, IEnvironmentReader environment)
    {
        BridgeOptions? options;
        try
        {
            options = BridgeOptions.Parse(args, environment.Get);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"light-gateway bridge: {ex.Message}\n\n{BridgeOptions.Usage}");
            return ExitCodes.Usage;
        }

        if (options is null)
        {
            await stdout.WriteLineAsync(BridgeOptions.Usage);
            return ExitCodes.Ok;
        }

        // stdout belongs to the MCP client: every log line goes to stderr.
        using var loggerFactory = CreateLoggerFactory(environment);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            // Tool calls stream their answers for as long as they run.
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var local = new StdioServerTransport("light-gateway-bridge", loggerFactory);
        try
        {
            await new McpBridge(local, options, http, loggerFactory).RunAsync(stop.Token);
        }
        finally
        {
            await local.DisposeAsync();
        }

        return ExitCodes.Ok;
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static ILoggerFactory CreateLoggerFactory(IEnvironmentReader environment)
    {
        var (text, _) = LoggingControl.SelectStartupFilter(environment.Get, null);
        if (!LogFilter.TryParse(text, out var filter, out _))
        {
            filter = LogFilter.Default;
        }

        // The SDK's transports log at warn unless the filter names them.
        var namesSdk = filter.Text.Contains("ModelContextProtocol", StringComparison.OrdinalIgnoreCase);
        var format = LoggingSetup.ReadFormat(environment.Get);
        return LoggerFactory.Create(builder =>
        {
            builder.ClearProviders();
            builder.SetMinimumLevel(LogLevel.Trace);
            builder.AddFilter((_, category, level) =>
                category?.StartsWith("ModelContextProtocol", StringComparison.Ordinal) == true && !namesSdk
                    ? level >= LogLevel.Warning
                    : filter.IsEnabled(category ?? "", level));
            builder.AddConsole(options =>
            {
                options.FormatterName = format == LogFormat.Json ? JsonLineLogFormatter.FormatterName : TextLogFormatter.FormatterName;
                options.LogToStandardErrorThreshold = LogLevel.Trace;
            });
            builder.AddConsoleFormatter<JsonLineLogFormatter, ConsoleFormatterOptions>();
            builder.AddConsoleFormatter<TextLogFormatter, ConsoleFormatterOptions>();
        });
    }
}
