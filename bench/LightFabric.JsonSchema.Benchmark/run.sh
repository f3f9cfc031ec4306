#!/usr/bin/env bash
# The in-house JSON Schema validator against JsonSchema.Net 8.0.5 in one run: the required tests of the official JSON
# Schema Test Suite (draft 2020-12, draft-07) through both (part 1), compile and validate times of tool schemas with
# BenchmarkDotNet (part 2), then a few hostile inputs. Writes bench/LightFabric.JsonSchema.Benchmark/results.md.
# The suite is read from ../shared/conformance/json-schema beside the repository (or JSON_SCHEMA_CONFORMANCE_DIR, or
# --suite DIR). Takes about 6 minutes on a 2-core machine.
# Usage: bash bench/LightFabric.JsonSchema.Benchmark/run.sh [--suite DIR] [--job short|dry]
#   quick check (one call per benchmark, no figures worth keeping): bash bench/LightFabric.JsonSchema.Benchmark/run.sh --job dry
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/LightFabric.JsonSchema.Benchmark >/dev/null
dotnet run -c Release --no-build --project bench/LightFabric.JsonSchema.Benchmark -- \
  --out bench/LightFabric.JsonSchema.Benchmark/results.md \
  --command "bash bench/LightFabric.JsonSchema.Benchmark/run.sh${*:+ $*}" "$@"
cat bench/LightFabric.JsonSchema.Benchmark/results.md
