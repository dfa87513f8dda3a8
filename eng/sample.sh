#!/usr/bin/env bash
# Runs the main sample: a swarm over a model that Swarm synthesizes itself (no download), after eng/setup.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash eng/setup.sh
export SWARM_LLAMA_NATIVE_DIR=${SWARM_LLAMA_NATIVE_DIR:-$root/.native/llama}
exec dotnet run --project samples/Swarm.Samples.QuickStart -c Release -- "$@"
