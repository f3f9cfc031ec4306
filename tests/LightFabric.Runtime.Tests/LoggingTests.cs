using System.Text.Json;
using LightFabric.Runtime.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Runtime.Tests;

public sealed class LoggingTests
{
    [Fact]
    public void Filter_applies_the_most_specific_target()
    {
        var filter = LogFilter.Parse("warn,light_gateway=debug,light_gateway::security=off");

        Assert.True(filter.IsEnabled("LightFabric.Gateway.Chains", LogLevel.Debug));
        Assert.False(filter.IsEnabled("LightFabric.Gateway.Chains", LogLevel.Trace));
        Assert.False(filter.IsEnabled("LightFabric.Gateway.security", LogLevel.Error));
        Assert.False(filter.IsEnabled("LightFabric.Runtime", LogLevel.Information));
        Assert.True(filter.IsEnabled("LightFabric.Runtime", LogLevel.Warning));
        Assert.False(filter.IsEnabled("LightFabric.GatewayOther", LogLevel.Debug));
    }

    [Fact]
    public void Filter_accepts_category_names_directly()
    {
        var filter = LogFilter.Parse("info,Microsoft.AspNetCore=warn");
        Assert.False(filter.IsEnabled("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information));
        Assert.True(filter.IsEnabled("LightFabric.Runtime", LogLevel.Information));
    }

    [Fact]
    public void An_invalid_filter_is_an_error_that_names_the_problem()
    {
        Assert.False(LogFilter.TryParse("info,light_gateway=loud", out _, out var error));
        Assert.Contains("loud", error);
        Assert.Contains("invalid logging filter", error);
    }

    [Fact]
    public void Startup_filter_precedence_is_light_log_then_rust_log_then_values()
    {
        var env = new Dictionary<string, string> { ["RUST_LOG"] = "debug" };
        Assert.Equal(("debug", "env RUST_LOG"), LoggingControl.SelectStartupFilter(k => env.GetValueOrDefault(k), "warn"));
        env["LIGHT_LOG"] = "trace";
        Assert.Equal(("trace", "env LIGHT_LOG"), LoggingControl.SelectStartupFilter(k => env.GetValueOrDefault(k), "warn"));
        Assert.Equal(("warn", "values.yml logging.filter"), LoggingControl.SelectStartupFilter(_ => null, "warn"));
        Assert.Equal(("info", "default"), LoggingControl.SelectStartupFilter(_ => null, null));
    }

    [Fact]
    public void Json_format_writes_one_object_per_line_with_the_stable_fields()
    {
        var formatter = new JsonLineLogFormatter();
        var state = new List<KeyValuePair<string, object?>>
        {
            new("Method", "GET"),
            new("ElapsedMs", 18),
            new("{OriginalFormat}", "proxy request completed {Method} {ElapsedMs}"),
        };
        var entry = new Microsoft.Extensions.Logging.Abstractions.LogEntry<List<KeyValuePair<string, object?>>>(
            LogLevel.Information, "LightFabric.Gateway", default, state, null, (_, _) => "proxy request completed GET 18");
        using var writer = new StringWriter();

        formatter.Write(entry, new LoggerExternalScopeProvider(), writer);

        var text = writer.ToString();
        Assert.EndsWith("\n", text);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal("INFO", root.GetProperty("level").GetString());
        Assert.Equal("LightFabric.Gateway", root.GetProperty("target").GetString());
        Assert.EndsWith("Z", root.GetProperty("timestamp").GetString());
        var fields = root.GetProperty("fields");
        Assert.Equal("proxy request completed GET 18", fields.GetProperty("message").GetString());
        Assert.Equal("GET", fields.GetProperty("method").GetString());
        Assert.Equal(18, fields.GetProperty("elapsed_ms").GetInt32());
    }
}
