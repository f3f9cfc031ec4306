#!/usr/bin/env bash
# Builds the solution and runs every test. Needs only the .NET 10 SDK; anything else a test needs is
# installed or started by the tests themselves. Ends with one line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "scripts/test.sh: the .NET 10 SDK (dotnet) is required; install it and run again" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if ! dotnet build LightFabric.sln -c Release >"$log" 2>&1; then
  tail -n 60 "$log"
  echo "scripts/test.sh: build failed" >&2
  exit 1
fi
grep -E "warning|Build succeeded|Time Elapsed" "$log" | tail -n 5

# The CEL conformance test writes its tally and failing names here; shown after the run.
export CEL_CONFORMANCE_REPORT="${CEL_CONFORMANCE_REPORT:-$(mktemp)}"
# The MCP conformance test (official suite through light-gateway) writes its tally here.
export MCP_CONFORMANCE_REPORT="${MCP_CONFORMANCE_REPORT:-$(mktemp)}"

dotnet test LightFabric.sln -c Release --no-build --blame-hang-timeout 10m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 26, Skipped: 0, Total: 26").
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    line = $0
    gsub(/[^0-9,]/, " ", line)
    split(line, parts, ",")
    f += parts[1]; p += parts[2]; s += parts[3]
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")

if [ -s "$CEL_CONFORMANCE_REPORT" ]; then
  head -n 1 "$CEL_CONFORMANCE_REPORT"
fi
if [ -s "$MCP_CONFORMANCE_REPORT" ]; then
  head -n 1 "$MCP_CONFORMANCE_REPORT"
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
