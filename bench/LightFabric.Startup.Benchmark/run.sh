#!/usr/bin/env bash
# Startup-to-ready benchmark of a published light-gateway. Writes bench/LightFabric.Startup.Benchmark/results.md.
# Usage: bash bench/LightFabric.Startup.Benchmark/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-20}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet publish src/LightFabric.Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/light-gateway" >/dev/null
dotnet run -c Release --project bench/LightFabric.Startup.Benchmark -- \
  --binary "$out/light-gateway/light-gateway" --dir bench/LightFabric.Startup.Benchmark --runs "$runs" --warmup 3 --out bench/LightFabric.Startup.Benchmark/results.md
cat bench/LightFabric.Startup.Benchmark/results.md
