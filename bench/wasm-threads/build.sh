#!/usr/bin/env bash
# Builds the experimental threaded module build/bench/scorefield-simd128-threads.wasm: the library,
# src/wasm/api.c and src/wasm/threads.c with atomics, importing a shared memory
# (env.memory, 256 MiB, no growth) so that several instances share it (bench/wasm-threads/run.mjs).
# Emscripten 3.1.6 refuses -pthread with STANDALONE_WASM ("does not support pthreads yet"), hence
# -matomics -mbulk-memory and the linker's --shared-memory instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/bench
mapfile -t sources < <(find src -name '*.c' -not -name 'digits_table.c' -not -path 'src/par/pool.c' -not -path 'src/wasm/threads.c' | sort)
exports=$(cat src/wasm/api.c src/wasm/threads.c | grep -o 'SFW_EXPORT(sfw_[a-z_0-9]*)' |
  sed 's/SFW_EXPORT(\(.*\))/_\1/' | sort -u | paste -sd, -)
emcc -std=c11 -O3 -ffp-contract=off -DNDEBUG -DSF_DIGITS_EXTERNAL -Wall -Wextra -Wpedantic -Werror -Isrc \
  --no-entry -sSTANDALONE_WASM -sINITIAL_MEMORY=256MB -sTOTAL_STACK=1MB -sMALLOC=emmalloc \
  "-sEXPORTED_FUNCTIONS=$exports,_malloc,_free" -msimd128 -matomics -mbulk-memory -sIMPORTED_MEMORY \
  -Wl,--shared-memory -Wl,--max-memory=268435456 -sERROR_ON_UNDEFINED_SYMBOLS=0 -sWARN_ON_UNDEFINED_SYMBOLS=0 \
  "${sources[@]}" src/wasm/threads.c -o build/bench/scorefield-simd128-threads.wasm
wasm-objdump -x -j Import build/bench/scorefield-simd128-threads.wasm | grep -E '^ - '
