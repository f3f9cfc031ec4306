#!/usr/bin/env bash
# tools/call through a published light-gateway vs directly against the same fast MCP upstream, plus the gateway's
# RSS for 10,000 idle MCP sessions. Writes bench/LightFabric.Mcp.Benchmark/results.md.
# Usage: bash bench/LightFabric.Mcp.Benchmark/run.sh [--baseline REV] [--duration S] [--warmup S] [--concurrency 1,16,64] [--rounds N] [--sessions N]
#   --baseline REV also publishes the gateway at git revision REV and measures it in the same run, alternated with this build.
#   quick check: bash bench/LightFabric.Mcp.Benchmark/run.sh --duration 2 --warmup 1 --sessions 1000
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mktemp -d)"
baseline=""
passed=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--baseline" ]; then baseline="$2"; shift 2; else passed+=("$1"); shift; fi
done
cleanup() {
  if [ -n "$baseline" ]; then git worktree remove --force "$out/baseline-src" >/dev/null 2>&1 || true; fi
  rm -rf "$out"
}
trap cleanup EXIT
revision="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' with uncommitted changes under src/')"
dotnet publish src/LightFabric.Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/light-gateway" >/dev/null
baseline_args=()
if [ -n "$baseline" ]; then
  git worktree add --detach "$out/baseline-src" "$baseline" >/dev/null
  dotnet publish "$out/baseline-src/src/LightFabric.Gateway" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/baseline-gateway" >/dev/null
  baseline_args=(--baseline-binary "$out/baseline-gateway/light-gateway" --baseline-revision "$(git rev-parse --short "$baseline")")
fi
dotnet build -c Release bench/LightFabric.Mcp.Benchmark >/dev/null
dotnet run -c Release --no-build --project bench/LightFabric.Mcp.Benchmark -- \
  --binary "$out/light-gateway/light-gateway" --out bench/LightFabric.Mcp.Benchmark/results.md --revision "$revision" \
  --command "bash bench/LightFabric.Mcp.Benchmark/run.sh ${baseline:+--baseline $baseline }${passed[*]}" "${baseline_args[@]}" "${passed[@]}"
cat bench/LightFabric.Mcp.Benchmark/results.md
