// Connects to an MCP endpoint with the official TypeScript SDK client, lists every tool (all pages),
// makes the calls given as JSON and prints one JSON object with what it saw.
// Usage: [GATEWAY_TOKEN=…] node gateway-client.mjs <url> '[{"name":"echo","arguments":{"message":"hi"}}]'
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { listAndCall } from "./list-and-call.mjs";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, callsJson] = process.argv.slice(2);
const client = new Client({ name: "light-fabric-e2e", version: "1.0.0" });
// A bearer token for gateways that authenticate callers comes from the environment, never from argv.
const token = process.env.GATEWAY_TOKEN;
const transport = new StreamableHTTPClientTransport(new URL(url),
  token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined);
await client.connect(transport);

const { tools, results } = await listAndCall(client, callsJson);

const sessionId = transport.sessionId;
const protocolVersion = transport.protocolVersion;
await transport.terminateSession();
await client.close();
console.log(JSON.stringify({ sessionId, protocolVersion, server: client.getServerVersion(), tools, results }));
