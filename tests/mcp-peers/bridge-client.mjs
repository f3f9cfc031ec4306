// Starts `light-gateway bridge` (or any stdio MCP server) as a child process with the official TypeScript SDK's
// StdioClientTransport, lists every tool (all pages), makes the calls given as JSON and prints one JSON object with
// what it saw. The child inherits this process's environment (LIGHT_GATEWAY_TOKEN) and stderr.
// Usage: node bridge-client.mjs '[{"name":"echo","arguments":{"message":"hi"}}]' dotnet light-gateway.dll bridge --url URL
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { listAndCall } from "./list-and-call.mjs";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [callsJson, command, ...args] = process.argv.slice(2);
const transport = new StdioClientTransport({ command, args, env: { ...process.env }, stderr: "inherit" });
const client = new Client({ name: "light-fabric-bridge-e2e", version: "1.0.0" });
await client.connect(transport);

const { tools, results } = await listAndCall(client, callsJson);

const pid = transport.pid;
await client.close();
console.log(JSON.stringify({ pid, server: client.getServerVersion(), tools, results }));
