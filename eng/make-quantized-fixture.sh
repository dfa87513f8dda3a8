#!/usr/bin/env bash
# Regenerates the GGUF fixtures quantized by llama.cpp itself (llama_model_quantize in the prebuilt libllama):
#   tests/Swarm.Inference.Tests/Fixtures/llama-quantize-q8_0.gguf   (SyntheticModelSpec.Tiny, F32 -> Q8_0)
#   tests/Swarm.Inference.Tests/Fixtures/llama-quantize-q4_k_m.gguf (1 layer x 256 wide, F32 -> Q4_K_M)
# LlamaQuantizedFixtureTests reads them. Needs: gcc, the native libraries (bash eng/setup.sh puts them in .native/llama),
# and llama.cpp's headers from the npm package node-llama-cpp@3.22.1:
#   cd /tmp && npm pack node-llama-cpp@3.22.1 && tar xzf node-llama-cpp-3.22.1.tgz
#   git clone package/llama/gitRelease.bundle /tmp/llama.cpp
# Usage: bash eng/make-quantized-fixture.sh [llama.cpp source dir (default /tmp/llama.cpp)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-/tmp/llama.cpp}
native=${SWARM_LLAMA_NATIVE_DIR:-$root/.native/llama}
out=$root/tests/Swarm.Inference.Tests/Fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -f "$native/libllama.v0.5.0.so" ] || { echo "llama.cpp libraries not found in $native: run bash eng/setup.sh" >&2; exit 1; }
[ -f "$src/include/llama.h" ] || { echo "llama.h not found under $src/include (see the header of this script)" >&2; exit 1; }

gcc -O1 -o "$work/quantize" "$root/eng/quantized-fixture/quantize.c" -I"$src/include" -I"$src/ggml/include" \
  "$native/libllama.v0.5.0.so" "$native/libggml.v0.5.0.so" "$native/libggml-base.so" -Wl,-rpath,"$native"
(cd "$root/eng/quantized-fixture" && dotnet run make-sources.cs -- "$work")
LD_LIBRARY_PATH=$native "$work/quantize" "$native" "$work/tiny-f32.gguf" "$out/llama-quantize-q8_0.gguf" 7
LD_LIBRARY_PATH=$native "$work/quantize" "$native" "$work/wide-f32.gguf" "$out/llama-quantize-q4_k_m.gguf" 15
ls -l "$out"/llama-quantize-*.gguf
