// A small stdio MCP server whose behaviour the upstream tests control exactly: paged tools/list, tools added at run
// time (with notifications/tools/list_changed), requests sent to the client, malformed lines, recorded
// cancellations and a sudden exit. No dependencies, so it runs from the source tree.
import { createInterface } from "node:readline";
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const pageSize = 2;
const tools = ["t1", "t2", "t3", "t4", "t5"].map((name) => ({ name, description: `tool ${name}`, inputSchema: { type: "object" } }));
for (const extra of args.filter((a) => a.startsWith("--tool=")).map((a) => a.slice("--tool=".length))) {
  tools.push({ name: extra, description: `tool ${extra}`, inputSchema: { type: "object" } });
}
const cancelled = [];
const waitingForClient = new Map();
let nextServerRequestId = 1;
let initializeParams = null;

const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
const text = (value) => ({ content: [{ type: "text", text: typeof value === "string" ? value : JSON.stringify(value) }] });

if (args.includes("--spawn-grandchild")) {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  process.stderr.write(`grandchild pid ${child.pid}\n`);
}
process.stderr.write("scripted server ready\n");

// callTool's result when it has written the answer itself.
const answered = Symbol("answered");

async function callTool(name, input, id) {
  switch (name) {
    case "huge": {
      // One answer line of about input.bytes; idLast writes the id at the end, as the TypeScript SDK does.
      const result = JSON.stringify(text("x".repeat(input.bytes)));
      process.stdout.write(input.idLast
        ? `{"jsonrpc":"2.0","result":${result},"id":${JSON.stringify(id)}}\n`
        : `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${result}}\n`);
      return answered;
    }
    case "huge-garbage-then-echo":
      process.stdout.write("z".repeat(input.bytes) + "\n");
      return text(`echo ${input.message}`);
    case "huge-without-id":
      process.stdout.write(`{"jsonrpc":"2.0","result":${JSON.stringify(text("x".repeat(input.bytes)))}}\n`);
      return new Promise(() => {});
    case "huge-error":
      throw Object.assign(new Error("E".repeat(input.chars)), { code: -32099, data: { blob: "d".repeat(input.chars) } });
    case "add-tool":
      tools.push({ name: input.name, description: "added", inputSchema: { type: "object" } });
      send({ method: "notifications/tools/list_changed" });
      return text(`added ${input.name}`);
    case "ask-client": {
      const id = `srv-${nextServerRequestId++}`;
      const reply = new Promise((resolve) => waitingForClient.set(id, resolve));
      send({ id, method: input.method, params: input.params ?? {} });
      return text(await reply);
    }
    case "garbage-then-echo":
      process.stdout.write("this line is not JSON\n");
      send({ id: 987654, result: {} });
      send({ method: "notifications/message", params: { level: "info", data: "between the garbage" } });
      return text(`echo ${input.message}`);
    case "sleep":
      // announce: the client learns the call arrived, so it can cancel a call the server is surely working on.
      if (input.announce) send({ method: "notifications/message", params: { level: "info", data: `sleeping ${input.ms}` } });
      await new Promise((resolve) => setTimeout(resolve, input.ms));
      return text(`slept ${input.ms}`);
    case "soft-fail":
      return { ...text(`failed softly: ${input.why ?? "no reason"}`), isError: true };
    case "cancelled-ids":
      return text(cancelled);
    case "initialize-params":
      return text(initializeParams);
    case "exit":
      process.stderr.write("exiting on request\n");
      setTimeout(() => process.exit(3), 10);
      return new Promise(() => {});
    default:
      throw Object.assign(new Error(`unknown tool ${name}`), { code: -32602 });
  }
}

const rl = createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  const message = JSON.parse(line);
  if (message.method === undefined) {
    waitingForClient.get(message.id)?.(message.error ? { error: message.error } : { result: message.result });
    return;
  }
  if (message.id === undefined) {
    if (message.method === "notifications/cancelled") cancelled.push(message.params.requestId);
    return;
  }
  try {
    let result;
    switch (message.method) {
      case "initialize":
        if (args.includes("--never-initialize")) return;
        initializeParams = message.params;
        result = { protocolVersion: message.params.protocolVersion, capabilities: { tools: { listChanged: true } }, serverInfo: { name: "scripted", version: "1.0.0" } };
        break;
      case "tools/list": {
        const start = message.params?.cursor ? Number(message.params.cursor) : 0;
        const end = start + pageSize;
        result = { tools: tools.slice(start, end), ...(end < tools.length ? { nextCursor: String(end) } : {}) };
        break;
      }
      case "tools/call":
        result = await callTool(message.params.name, message.params.arguments ?? {}, message.id);
        if (result === answered) return;
        break;
      case "ping":
        result = {};
        break;
      default:
        send({ id: message.id, error: { code: -32601, message: `Method not found: ${message.method}` } });
        return;
    }
    send({ id: message.id, result });
  } catch (error) {
    send({ id: message.id, error: { code: error.code ?? -32603, message: error.message, data: error.data ?? { tool: message.params?.name } } });
  }
});
rl.on("close", () => process.exit(0));
