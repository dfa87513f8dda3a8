#!/usr/bin/env bash
# Builds the C baseline against llama.cpp v0.5.0 (the libraries eng/setup.sh installs and the header from the
# node-llama-cpp@3.22.1 npm package): libswarm_llama_loop.so for the in-process benchmark and the llama_loop executable.
# Usage: benchmarks/native/build.sh [out_dir]   (default benchmarks/native/build)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
native_dir=${SWARM_LLAMA_NATIVE_DIR:-$root/.native/llama}
headers=${SWARM_LLAMA_HEADERS:-$root/.native/llama-headers}

log() { printf '[bench-native] %s\n' "$*" >&2; }

if [ ! -f "$native_dir/libllama.v0.5.0.so" ]; then
  log "llama.cpp libraries missing in $native_dir: run bash eng/setup.sh"
  exit 1
fi

if [ ! -f "$headers/include/llama.h" ]; then
  log "fetching the llama.cpp v0.5.0 headers (npm node-llama-cpp@3.22.1, llama/gitRelease.bundle)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent node-llama-cpp@3.22.1 >/dev/null && tar -xzf node-llama-cpp-3.22.1.tgz)
  git -c advice.detachedHead=false clone -q "$tmp/package/llama/gitRelease.bundle" "$tmp/llama.cpp"
  mkdir -p "$headers/include" "$headers/ggml/include"
  cp "$tmp/llama.cpp/include/"*.h "$headers/include/"
  cp "$tmp/llama.cpp/ggml/include/"*.h "$headers/ggml/include/"
fi

mkdir -p "$out"
flags=(-O2 -std=c11 -Wall -Wextra -I"$headers/include" -I"$headers/ggml/include")
libs=("$native_dir/libllama.v0.5.0.so" "$native_dir/libggml.v0.5.0.so" "$native_dir/libggml-base.so" -Wl,-rpath,"$native_dir")
gcc "${flags[@]}" -shared -fPIC "$here/llama_loop.c" -o "$out/libswarm_llama_loop.so" "${libs[@]}"
gcc "${flags[@]}" -DSWARM_LOOP_MAIN "$here/llama_loop.c" -o "$out/llama_loop" "${libs[@]}"
log "built $out/libswarm_llama_loop.so and $out/llama_loop"
gcc "${flags[@]}" "$here/matmul_scaling.c" -o "$out/matmul_scaling" "$native_dir/libggml.v0.5.0.so" "$native_dir/libggml-base.so" -Wl,-rpath,"$native_dir"
log "built $out/matmul_scaling"
