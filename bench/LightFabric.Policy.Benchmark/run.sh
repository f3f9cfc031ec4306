#!/usr/bin/env bash
# Policy overhead per tools/call: published light-gateway without policy (A) vs with JWT security + light-rule access
# control (B: 2 req-acc rules, 1 res-fil rule; C: B with the verified-token cache off; D: B without the rules), and B
# governed by a budget and the audit trail (E: SQLite ledger + batched audit; F: Redis ledger; G: strict audit),
# interleaved at concurrency 1 and then 16 in one run, then the policy's components in-process.
# Writes bench/LightFabric.Policy.Benchmark/results.md.
# The gateway and this benchmark are built from a clean clone of the committed HEAD: uncommitted changes are not measured.
# F needs redis-server (Debian's package; installed with apt-get when missing and run as root).
# Usage: bash bench/LightFabric.Policy.Benchmark/run.sh [--segments N] [--segment-seconds S] [--warmup S] [--concurrency N]
#          [--no-jwt-variants] [--component-warmup S] [--component-batches N]
#   quick check: bash bench/LightFabric.Policy.Benchmark/run.sh --segments 2 --warmup 1 --component-warmup 0.3 --component-batches 5
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
commit="$(git rev-parse HEAD)"
revision="$(git rev-parse --short HEAD)"
if [ -n "$(git status --porcelain)" ]; then
  echo "note: the working tree has uncommitted changes; they are not part of this build" >&2
fi
git clone -q --no-hardlinks "$repo" "$out/src"
git -C "$out/src" checkout -q --detach "$commit"
dotnet publish "$out/src/src/LightFabric.Gateway" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/light-gateway" >/dev/null
dotnet build -c Release "$out/src/bench/LightFabric.Policy.Benchmark" >/dev/null
dotnet run -c Release --no-build --project "$out/src/bench/LightFabric.Policy.Benchmark" -- \
  --binary "$out/light-gateway/light-gateway" --out "$repo/bench/LightFabric.Policy.Benchmark/results.md" --revision "$revision" \
  --command "bash bench/LightFabric.Policy.Benchmark/run.sh${*:+ $*}" "$@"
cat bench/LightFabric.Policy.Benchmark/results.md
