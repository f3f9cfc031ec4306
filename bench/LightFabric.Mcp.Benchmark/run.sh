#!/usr/bin/env bash
# tools/call through a published light-gateway vs directly against the same fast MCP upstream, plus the gateway's
# RSS for 10,000 idle MCP sessions. Writes bench/LightFabric.Mcp.Benchmark/results.md.
# Usage: bash bench/LightFabric.Mcp.Benchmark/run.sh [--duration S] [--warmup S] [--concurrency 1,16,64] [--rounds N] [--sessions N]
#   quick check: bash bench/LightFabric.Mcp.Benchmark/run.sh --duration 2 --warmup 1 --sessions 1000
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
revision="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' with uncommitted changes under src/')"
dotnet publish src/LightFabric.Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/light-gateway" >/dev/null
dotnet build -c Release bench/LightFabric.Mcp.Benchmark >/dev/null
dotnet run -c Release --no-build --project bench/LightFabric.Mcp.Benchmark -- \
  --binary "$out/light-gateway/light-gateway" --out bench/LightFabric.Mcp.Benchmark/results.md --revision "$revision" \
  --command "bash bench/LightFabric.Mcp.Benchmark/run.sh${*:+ $*}" "$@"
cat bench/LightFabric.Mcp.Benchmark/results.md
