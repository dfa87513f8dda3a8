#!/usr/bin/env bash
# Installs everything Swarm needs on a fresh Debian machine that has the .NET SDK:
#   - Debian tools the gates run as processes (shellcheck, shfmt, yamllint, python3-jsonschema);
#   - llama.cpp's native libraries (tag v0.5.0) from the npm package @node-llama-cpp/linux-x64@3.22.1,
#     extracted to .native/llama (override with SWARM_LLAMA_NATIVE_DIR).
# Idempotent: a second run finds everything in place and does nothing. Called by eng/test.sh and eng/sample.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
llama_pkg="@node-llama-cpp/linux-x64@3.22.1"
native_dir=${SWARM_LLAMA_NATIVE_DIR:-$root/.native/llama}

log() { printf '[setup] %s\n' "$*" >&2; }

install_debian_tools() {
  local missing=()
  command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
  command -v shfmt >/dev/null 2>&1 || missing+=(shfmt)
  command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
  # The schema gate runs the jsonschema validator (draft 2020-12) under python3.
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(python3-jsonschema)
  if ((${#missing[@]} == 0)); then
    log "Debian tools present"
    return
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_llama_native() {
  if [ -f "$native_dir/libllama.v0.5.0.so" ] && [ -f "$native_dir/libggml-cpu-x64.so" ]; then
    log "llama.cpp native libraries present in $native_dir"
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm is required to fetch $llama_pkg (apt-get install npm)"
    exit 1
  fi
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  log "fetching $llama_pkg"
  (cd "$tmp" && npm pack --silent "$llama_pkg" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  mkdir -p "$native_dir"
  cp "$tmp"/package/bins/linux-x64/*.so "$tmp"/package/bins/linux-x64/_nlcBuildMetadata.json "$native_dir"/
  log "llama.cpp native libraries installed in $native_dir"
}

install_debian_tools
install_llama_native
