#!/usr/bin/env bash
# Builds the solution and runs every test, printing one line per phase (build, npm installs, each test assembly
# starting and finishing). Needs the .NET 10 SDK, Node.js and npm; the tests install or start anything else they
# need (and can install their npm packages themselves when run alone).
# Ends with one line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "scripts/test.sh: the .NET 10 SDK (dotnet) is required; install it and run again" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "scripts/test.sh: Node.js and npm are required (the tests talk to real MCP clients and servers from npm); install them and run again" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
phase() { printf '[%3ds] %s\n' "$((SECONDS - started))" "$*"; }

phase "build: dotnet build LightFabric.sln -c Release"
if ! dotnet build LightFabric.sln -c Release >"$work/build.log" 2>&1; then
  tail -n 60 "$work/build.log"
  echo "scripts/test.sh: build failed" >&2
  exit 1
fi
grep -E "warning|Build succeeded|Time Elapsed" "$work/build.log" | tail -n 5

# The npm packages the tests use (real MCP peers, the official conformance suite). Installed here so the test run
# is not silent while npm works; a test run alone installs them itself when they are missing.
for dir in tests/mcp-peers tests/conformance; do
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    phase "npm: $dir already installed"
    continue
  fi
  phase "npm: installing $dir (npm ci)"
  if ! (cd "$dir" && npm ci --no-audit --no-fund) >"$work/npm.log" 2>&1; then
    tail -n 30 "$work/npm.log"
    echo "scripts/test.sh: npm ci in $dir failed" >&2
    exit 1
  fi
done

# The browser test drives Debian's chromium and the budget ledger tests a real redis-server; install what is missing
# once here when this machine can (the tests install them themselves too).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  phase "apt: installing ${missing[*]} for the tests"
  if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >"$work/apt.log" 2>&1; then
    tail -n 20 "$work/apt.log"
    phase "apt: ${missing[*]} could not be installed here; the tests that need them will try again and report why"
  fi
fi

# The CEL conformance test writes its tally and failing names here; shown after the run.
export CEL_CONFORMANCE_REPORT="${CEL_CONFORMANCE_REPORT:-$work/cel-conformance.txt}"
# The JSON Schema conformance test (official JSON Schema Test Suite, 2020-12 and draft-07) writes its tally here.
export JSON_SCHEMA_CONFORMANCE_REPORT="${JSON_SCHEMA_CONFORMANCE_REPORT:-$work/json-schema-conformance.txt}"
# The MCP conformance test (official suite through light-gateway) writes its tally here.
export MCP_CONFORMANCE_REPORT="${MCP_CONFORMANCE_REPORT:-$work/mcp-conformance.txt}"

# One dotnet test per assembly, as many at once as there are cores (what dotnet test on the solution does), the
# longest first so the short ones fill in beside it.
projects=()
for name in EndToEnd Gateway Mcp Runtime Config Rules Cel JsonSchema; do
  [ -f "tests/LightFabric.$name.Tests/LightFabric.$name.Tests.csproj" ] && projects+=("tests/LightFabric.$name.Tests")
done
for csproj in tests/*/*.Tests.csproj; do
  project="$(dirname "$csproj")"
  [[ " ${projects[*]} " == *" $project "* ]] || projects+=("$project")
done
jobs="$(nproc 2>/dev/null || echo 2)"

run_assembly() {
  local project="$1" name
  name="$(basename "$project")"
  phase "test: $name starting"
  dotnet test "$project" -c Release --no-build --blame-hang-timeout 10m >"$work/$name.log" 2>&1
  echo $? >"$work/$name.rc"
  local summary
  summary="$(grep -E "(Passed|Failed)! +- +Failed:" "$work/$name.log" | tail -n 1 | sed -E 's/ +- +/ - /; s/  +/ /g')"
  phase "test: $name finished: ${summary:-no summary (exit code $(cat "$work/$name.rc"))}"
}

running=0
for project in "${projects[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_assembly "$project" &
  running=$((running + 1))
done
wait

status=0
for project in "${projects[@]}"; do
  name="$(basename "$project")"
  if [ "$(cat "$work/$name.rc" 2>/dev/null || echo 1)" -ne 0 ]; then
    status=1
    echo "---- $name ----"
    cat "$work/$name.log"
  fi
done

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 26, Skipped: 0, Total: 26").
read -r passed failed skipped < <(cat "$work"/*.Tests.log | awk '
  /(Passed|Failed)! +- +Failed:/ {
    line = $0
    gsub(/[^0-9,]/, " ", line)
    split(line, parts, ",")
    f += parts[1]; p += parts[2]; s += parts[3]
  }
  END { printf "%d %d %d\n", p, f, s }')

if [ -s "$CEL_CONFORMANCE_REPORT" ]; then
  head -n 1 "$CEL_CONFORMANCE_REPORT"
elif [ -z "${CEL_CONFORMANCE_DIR:-}" ] && [ ! -d ../shared/conformance/cel ]; then
  if [ "${CI:-}" = true ]; then
    echo "cel-conformance: failed, no tally (../shared/conformance/cel not found beside the repository; CI=true requires it)"
  else
    echo "cel-conformance: skipped, no tally (../shared/conformance/cel not found beside the repository; set CEL_CONFORMANCE_DIR to run it)"
  fi
else
  echo "cel-conformance: no tally (the conformance test did not finish; see its failure above)"
fi
if [ -s "$JSON_SCHEMA_CONFORMANCE_REPORT" ]; then
  head -n 1 "$JSON_SCHEMA_CONFORMANCE_REPORT"
elif [ -z "${JSON_SCHEMA_CONFORMANCE_DIR:-}" ] && [ ! -d ../shared/conformance/json-schema ]; then
  if [ "${CI:-}" = true ]; then
    echo "json-schema-conformance: failed, no tally (../shared/conformance/json-schema not found beside the repository; CI=true requires it)"
  else
    echo "json-schema-conformance: skipped, no tally (../shared/conformance/json-schema not found beside the repository; set JSON_SCHEMA_CONFORMANCE_DIR to run it)"
  fi
else
  echo "json-schema-conformance: no tally (the conformance test did not finish; see its failure above)"
fi
if [ -s "$MCP_CONFORMANCE_REPORT" ]; then
  head -n 1 "$MCP_CONFORMANCE_REPORT"
else
  echo "mcp-conformance: no tally (the conformance test did not finish; see its failure above)"
fi
phase "done"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
