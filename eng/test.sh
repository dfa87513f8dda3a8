#!/usr/bin/env bash
# Runs every test project of Swarm.sln after eng/setup.sh, then prints the summed totals on a
# line of their own: "N passed, N failed" (", N skipped" when any were skipped).
# Extra arguments go to dotnet test (for example --filter "FullyQualifiedName~Executor").
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
bash eng/setup.sh || exit 1

export SWARM_LLAMA_NATIVE_DIR=${SWARM_LLAMA_NATIVE_DIR:-$root/.native/llama}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Swarm.sln -c Release -warnaserror -nologo -clp:NoSummary || exit 1
dotnet test Swarm.sln -c Release --no-build -nologo -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one line per test project: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r passed failed skipped projects < <(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i + 1))
      if ($i == "Failed:") f += $(i + 1)
      if ($i == "Passed:") p += $(i + 1)
      if ($i == "Skipped:") s += $(i + 1)
    }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")

expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$projects" -ne "$expected" ]; then
  echo "error: $projects of $expected test projects reported results" >&2
  failed=$((failed + expected - projects))
  status=1
fi
if [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  status=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
