using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>A real HTTP API on 127.0.0.1 that tools call; it records the last request it saw.</summary>
internal sealed class TestApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public JsonObject? LastRequest { get; private set; }

    private int _requests;

    /// <summary>How many requests reached the API.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    public static async Task<TestApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var api = new TestApi(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref api._requests);
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var headers = new JsonObject();
            foreach (var (name, value) in context.Request.Headers)
            {
                headers[name.ToLowerInvariant()] = value.ToString();
            }

            api.LastRequest = new JsonObject
            {
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value,
                ["query"] = context.Request.QueryString.Value,
                ["body"] = body,
                ["headers"] = headers,
            };
            await next(context);
        });
        app.MapGet("/weather", (string city) => Results.Json(new { city, temperature = 21 }));
        app.MapGet("/items", () => Results.Json(new[] { new { id = 1 }, new { id = 2 } }));
        app.MapGet("/v1/accounts", () => Results.Json(new[]
        {
            new { accountNo = "1001", userId = "u1", accountType = "C", firstName = "Ann", lastName = "Lee", status = "open" },
            new { accountNo = "1002", userId = "u2", accountType = "S", firstName = "Bo", lastName = "Ng", status = "frozen" },
            new { accountNo = "1003", userId = "u3", accountType = "C", firstName = "Cy", lastName = "Oh", status = "open" },
        }));
        app.MapPost("/orders/{id}", (string id) => Results.Json(new { id, accepted = true }));
        app.MapGet("/text", () => Results.Text("plain words", "text/plain"));
        app.MapGet("/empty", () => Results.NoContent());
        app.MapGet("/fail", () => Results.Text("secret-internal-detail", "text/plain", statusCode: 500));
        app.MapGet("/slow", async () =>
        {
            await Task.Delay(5000);
            return Results.Text("late");
        });
        await app.StartAsync();
        api.BaseUrl = app.Urls.First();
        return api;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
