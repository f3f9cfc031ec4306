using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.EndToEnd.Tests.Browser;

/// <summary>
/// A web page that is a minimal browser MCP client: its script posts initialize to the gateway URL in its query
/// string, reads <c>Mcp-Session-Id</c> from the answer, sends notifications/initialized and tools/list with it, and
/// writes the outcome as JSON into <c>#result</c> (with <c>data-done</c> set). Served by a real Kestrel server.
/// </summary>
internal sealed class McpPage : IAsyncDisposable
{
    public const string Html = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>browser MCP client</title></head>
        <body>
        <pre id="result"></pre>
        <script>
        async function readMessage(response, id) {
          const type = response.headers.get('Content-Type') || '';
          const text = await response.text();
          if (!type.includes('text/event-stream')) return JSON.parse(text);
          for (const line of text.split('\n')) {
            if (!line.startsWith('data:')) continue;
            const message = JSON.parse(line.slice(5));
            if (message.id === id) return message;
          }
          throw new Error('no answer with id ' + id + ' in the event stream: ' + text);
        }

        async function run() {
          const gateway = new URLSearchParams(location.search).get('gateway');
          const headers = { 'Content-Type': 'application/json', 'Accept': 'application/json, text/event-stream' };
          const post = (extra, body) => fetch(gateway, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
          const init = await post({}, { jsonrpc: '2.0', id: 1, method: 'initialize', params: {
            protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'browser-page', version: '1.0.0' } } });
          if (init.status !== 200) throw new Error('initialize answered HTTP ' + init.status);
          const session = init.headers.get('Mcp-Session-Id');
          const initialized = await readMessage(init, 1);
          if (!session) throw new Error('the initialize answer has no Mcp-Session-Id this page can read');
          const version = initialized.result.protocolVersion;
          const sessionHeaders = { 'Mcp-Session-Id': session, 'MCP-Protocol-Version': version };
          const notified = await post(sessionHeaders, { jsonrpc: '2.0', method: 'notifications/initialized' });
          if (notified.status !== 202) throw new Error('notifications/initialized answered HTTP ' + notified.status);
          const list = await post(sessionHeaders, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
          if (list.status !== 200) throw new Error('tools/list answered HTTP ' + list.status);
          const tools = (await readMessage(list, 2)).result.tools.map(t => t.name);
          return { ok: true, session, protocolVersion: init.headers.get('MCP-Protocol-Version'), tools };
        }

        const out = document.getElementById('result');
        run().then(r => r, e => ({ ok: false, error: String(e) })).then(r => {
          out.textContent = JSON.stringify(r);
          out.dataset.done = 'true';
        });
        </script>
        </body>
        </html>
        """;

    private readonly WebApplication _app;

    private McpPage(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<McpPage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(Html, "text/html; charset=utf-8"));
        await app.StartAsync();
        return new McpPage(app, new Uri(app.Urls.First()).Port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
