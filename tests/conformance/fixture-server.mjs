// The MCP server the conformance suite runs against: every tool, prompt and resource its server scenarios call,
// served over Streamable HTTP on 127.0.0.1. Used directly (the baseline) and behind light-gateway.
//
//   node fixture-server.mjs [PORT]        (or PORT=... in the environment; 0 or nothing picks a free port)
//
// Prints "fixture listening on http://127.0.0.1:PORT/mcp" once it accepts connections.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListToolsRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  isInitializeRequest,
} from '@modelcontextprotocol/sdk/types.js';

const requestedPort = Number(process.argv[2] ?? process.env.PORT ?? 0);

// A 1x1 red PNG.
const RED_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

// 0.01 s of silence as 8 kHz, 8-bit mono PCM WAV.
const SILENT_WAV = (() => {
  const samples = 80;
  const wav = Buffer.alloc(44 + samples, 0x80);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24); // sample rate
  wav.writeUInt32LE(8000, 28); // byte rate
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples, 40);
  return wav.toString('base64');
})();

// Server→client requests must not wait the SDK's default 60 s when nobody answers (e.g. an intermediary that
// does not relay them): the scenario should fail quickly instead.
const CLIENT_REQUEST_TIMEOUT_MS = Number(process.env.FIXTURE_CLIENT_REQUEST_TIMEOUT_MS ?? 10000);

const JSON_SCHEMA_2020_12_INPUT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
  },
  additionalProperties: false,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ content: [{ type: 'text', text: value }] });

/** Keeps every SSE event so a client can resume a stream with Last-Event-ID (needed by server-sse-polling). */
class MemoryEventStore {
  #events = new Map(); // eventId → { streamId, message }

  async storeEvent(streamId, message) {
    const eventId = `${streamId}_${Date.now()}_${randomUUID().slice(0, 8)}`;
    this.#events.set(eventId, { streamId, message });
    return eventId;
  }

  async getStreamIdForEventId(eventId) {
    return this.#events.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId, { send }) {
    const last = this.#events.get(lastEventId);
    if (!last) {
      return '';
    }
    let after = false;
    for (const [eventId, { streamId, message }] of this.#events) {
      if (eventId === lastEventId) {
        after = true;
        continue;
      }
      // The priming event stored as {} carries no message.
      if (after && streamId === last.streamId && Object.keys(message).length > 0) {
        await send(eventId, message);
      }
    }
    return last.streamId;
  }
}

function createFixtureServer() {
  const mcp = new McpServer(
    { name: 'light-fabric-conformance-fixture', version: '1.0.0' },
    { capabilities: { logging: {}, completions: {}, resources: { subscribe: true } } },
  );
  const subscriptions = new Set();

  const log = (extra, level, data) =>
    mcp.server.isMessageIgnored(level, extra.sessionId)
      ? Promise.resolve()
      : extra.sendNotification({ method: 'notifications/message', params: { level, logger: 'fixture', data } });

  const elicit = (extra, params) =>
    extra.sendRequest({ method: 'elicitation/create', params }, ElicitResultSchema, { timeout: CLIENT_REQUEST_TIMEOUT_MS });

  const clientCan = (capability) => Boolean(mcp.server.getClientCapabilities()?.[capability]);

  // Tools (server scenarios tools-*, json-schema-2020-12, elicitation-*, server-sse-*).
  mcp.registerTool('test_simple_text', { description: 'Returns simple text content' }, async () =>
    text('This is a simple text response for testing.'));

  mcp.registerTool('test_image_content', { description: 'Returns image content' }, async () => ({
    content: [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }],
  }));

  mcp.registerTool('test_audio_content', { description: 'Returns audio content' }, async () => ({
    content: [{ type: 'audio', data: SILENT_WAV, mimeType: 'audio/wav' }],
  }));

  mcp.registerTool('test_embedded_resource', { description: 'Returns an embedded resource' }, async () => ({
    content: [{
      type: 'resource',
      resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
    }],
  }));

  mcp.registerTool('test_multiple_content_types', { description: 'Returns text, image and resource content' }, async () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) },
      },
    ],
  }));

  mcp.registerTool('test_tool_with_logging', { description: 'Sends three info log notifications while it runs' }, async (extra) => {
    await log(extra, 'info', 'Tool execution started');
    await sleep(50);
    await log(extra, 'info', 'Tool processing data');
    await sleep(50);
    await log(extra, 'info', 'Tool execution completed');
    return text('Tool with logging executed successfully');
  });

  mcp.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50 and 100 of 100' }, async (extra) => {
    const progressToken = extra._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progressToken !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
      }
      if (progress < 100) {
        await sleep(50);
      }
    }
    return text('Tool with progress executed successfully');
  });

  mcp.registerTool('test_error_handling', { description: 'Always fails with isError' }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
  }));

  mcp.registerTool(
    'test_sampling',
    { description: 'Asks the client to sample an LLM', inputSchema: { prompt: z.string().describe('The prompt to send to the LLM') } },
    async ({ prompt }, extra) => {
      if (!clientCan('sampling')) {
        return { isError: true, content: [{ type: 'text', text: 'The client does not support sampling' }] };
      }
      const result = await extra.sendRequest(
        {
          method: 'sampling/createMessage',
          params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 },
        },
        CreateMessageResultSchema,
        { timeout: CLIENT_REQUEST_TIMEOUT_MS },
      );
      const answer = result.content?.type === 'text' ? result.content.text : JSON.stringify(result.content);
      return text(`LLM response: ${answer}`);
    },
  );

  mcp.registerTool(
    'test_elicitation',
    { description: 'Asks the user for input', inputSchema: { message: z.string().describe('The message to show the user') } },
    async ({ message }, extra) => {
      if (!clientCan('elicitation')) {
        return { isError: true, content: [{ type: 'text', text: 'The client does not support elicitation' }] };
      }
      const result = await elicit(extra, {
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      });
      return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
    },
  );

  mcp.registerTool('test_elicitation_sep1034_defaults', { description: 'Elicitation whose fields all carry defaults (SEP-1034)' }, async (extra) => {
    const result = await elicit(extra, {
      message: 'Please review and update the form fields with defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
      },
    });
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });

  mcp.registerTool('test_elicitation_sep1330_enums', { description: 'Elicitation with every enum form (SEP-1330)' }, async (extra) => {
    const result = await elicit(extra, {
      message: 'Please pick from the enum fields',
      requestedSchema: {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          titledSingle: {
            type: 'string',
            oneOf: [
              { const: 'value1', title: 'First Option' },
              { const: 'value2', title: 'Second Option' },
              { const: 'value3', title: 'Third Option' },
            ],
          },
          legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: {
            type: 'array',
            items: {
              anyOf: [
                { const: 'value1', title: 'First Choice' },
                { const: 'value2', title: 'Second Choice' },
                { const: 'value3', title: 'Third Choice' },
              ],
            },
          },
        },
      },
    });
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });

  mcp.registerTool('test_client_elicitation_defaults', { description: 'Elicitation with optional fields that have defaults' }, async (extra) => {
    const result = await elicit(extra, {
      message: 'Leave fields empty to keep their defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', default: 'John Doe' },
          age: { type: 'integer', default: 30 },
          verified: { type: 'boolean', default: true },
        },
      },
    });
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });

  // Replaced in tools/list below by the literal 2020-12 schema: the SDK would render a zod schema as draft-07.
  mcp.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool with JSON Schema 2020-12 features',
      inputSchema: { name: z.string().optional(), address: z.object({ street: z.string().optional(), city: z.string().optional() }).optional() },
    },
    async (args) => text(`Received: ${JSON.stringify(args)}`),
  );

  mcp.registerTool('test_reconnection', { description: 'Closes its SSE stream mid-call; the result arrives after the client resumes' }, async (extra) => {
    await sleep(100);
    extra.closeSSEStream?.();
    await sleep(200);
    return text('Reconnection test completed');
  });

  const listTools = mcp.server._requestHandlers.get('tools/list');
  mcp.server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const result = await listTools(request, extra);
    for (const tool of result.tools) {
      if (tool.name === 'json_schema_2020_12_tool') {
        tool.inputSchema = JSON_SCHEMA_2020_12_INPUT;
      }
    }
    return result;
  });

  // Resources (resources-*), with a template and subscriptions.
  mcp.registerResource(
    'static-text',
    'test://static-text',
    { title: 'Static text', description: 'A static text resource', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] }),
  );

  mcp.registerResource(
    'static-binary',
    'test://static-binary',
    { title: 'Static binary', description: 'A static binary resource (a PNG)', mimeType: 'image/png' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: RED_PIXEL_PNG }] }),
  );

  mcp.registerResource(
    'watched-resource',
    'test://watched-resource',
    { title: 'Watched resource', description: 'A resource clients can subscribe to', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Watched resource content.' }] }),
  );

  mcp.registerResource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', {
      list: undefined,
      complete: { id: (value) => ['123', '456', '789'].filter((id) => id.startsWith(value)) },
    }),
    { title: 'Template data', description: 'Data for an id', mimeType: 'application/json' },
    async (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
    }),
  );

  mcp.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  mcp.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });

  // Prompts (prompts-*) and completion (completion-complete).
  mcp.registerPrompt('test_simple_prompt', { description: 'A prompt without arguments' }, async () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }));

  mcp.registerPrompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two arguments',
      argsSchema: {
        arg1: completable(z.string().describe('First test argument'), (value) =>
          ['paris', 'park', 'party', 'test', 'testValue1'].filter((v) => v.startsWith(value))),
        arg2: z.string().describe('Second test argument'),
      },
    },
    async ({ arg1, arg2 }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }],
    }),
  );

  mcp.registerPrompt(
    'test_prompt_with_embedded_resource',
    { description: 'A prompt embedding a resource', argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') } },
    async ({ resourceUri }) => ({
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  );

  mcp.registerPrompt('test_prompt_with_image', { description: 'A prompt with an image' }, async () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }));

  return mcp;
}

const transports = new Map(); // Mcp-Session-Id → transport

/** DNS-rebinding protection (dns-rebinding-protection): only loopback Host and Origin values are served. */
function isLoopbackRequest(req, port) {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowed.has(host)) {
    return false;
  }
  const origin = req.headers.origin;
  if (origin === undefined) {
    return true;
  }
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && allowed.has(url.host.toLowerCase());
  } catch {
    return false;
  }
}

function sendJsonRpcError(res, status, code, message) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const http = createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (!isLoopbackRequest(req, http.address().port)) {
      sendJsonRpcError(res, 403, -32000, 'Forbidden: Host or Origin is not a loopback address');
      return;
    }

    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (req.method === 'POST') {
      let body;
      try {
        body = await readJson(req);
      } catch {
        sendJsonRpcError(res, 400, -32700, 'Parse error');
        return;
      }
      if (existing) {
        await existing.handleRequest(req, res, body);
        return;
      }
      if (sessionId === undefined && isInitializeRequest(body)) {
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          eventStore: new MemoryEventStore(),
          retryInterval: 500,
          onsessioninitialized: (id) => transports.set(id, transport),
        });
        transport.onclose = () => {
          if (transport.sessionId) {
            transports.delete(transport.sessionId);
          }
        };
        await createFixtureServer().connect(transport);
        await transport.handleRequest(req, res, body);
        return;
      }
      if (sessionId !== undefined) {
        sendJsonRpcError(res, 404, -32001, 'Session not found');
      } else {
        sendJsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      }
      return;
    }

    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing) {
        if (sessionId === undefined) {
          sendJsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
        } else {
          sendJsonRpcError(res, 404, -32001, 'Session not found');
        }
        return;
      }
      await existing.handleRequest(req, res);
      return;
    }

    res.writeHead(405, { Allow: 'GET, POST, DELETE' }).end();
  } catch (error) {
    console.error('fixture: request failed:', error);
    if (!res.headersSent) {
      sendJsonRpcError(res, 500, -32603, 'Internal server error');
    } else {
      res.end();
    }
  }
});

http.listen(requestedPort, '127.0.0.1', () => {
  console.log(`fixture listening on http://127.0.0.1:${http.address().port}/mcp`);
});

const shutdown = async () => {
  for (const transport of transports.values()) {
    await transport.close().catch(() => {});
  }
  http.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
