#!/usr/bin/env bash
# Policy overhead per tools/call: published light-gateway without policy (A) vs with JWT security + light-rule access
# control (B: 2 req-acc rules, 1 res-fil rule; C: B with the verified-token cache off), interleaved at concurrency 1
# in one run, then the policy's components in-process. Writes bench/LightFabric.Policy.Benchmark/results.md.
# Usage: bash bench/LightFabric.Policy.Benchmark/run.sh [--segments N] [--segment-seconds S] [--warmup S] [--component-warmup S] [--component-batches N]
#   quick check: bash bench/LightFabric.Policy.Benchmark/run.sh --segments 4 --warmup 2 --component-warmup 0.3 --component-batches 5
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
revision="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' with uncommitted changes under src/')"
dotnet publish src/LightFabric.Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/light-gateway" >/dev/null
dotnet build -c Release bench/LightFabric.Policy.Benchmark >/dev/null
dotnet run -c Release --no-build --project bench/LightFabric.Policy.Benchmark -- \
  --binary "$out/light-gateway/light-gateway" --out bench/LightFabric.Policy.Benchmark/results.md --revision "$revision" \
  --command "bash bench/LightFabric.Policy.Benchmark/run.sh${*:+ $*}" "$@"
cat bench/LightFabric.Policy.Benchmark/results.md
