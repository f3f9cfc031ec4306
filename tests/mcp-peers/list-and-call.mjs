// What the E2E clients do once connected: list every tool (all pages), then make the calls given as JSON, keeping
// each call's result or its error.
export async function listAndCall(client, callsJson) {
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools.map((t) => t.name));
    cursor = page.nextCursor;
  } while (cursor);

  const results = {};
  for (const call of JSON.parse(callsJson ?? "[]")) {
    try {
      results[call.name] = await client.callTool({ name: call.name, arguments: call.arguments ?? {} });
    } catch (error) {
      results[call.name] = { error: { code: error.code, message: error.message } };
    }
  }

  return { tools, results };
}
