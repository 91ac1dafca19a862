#!/usr/bin/env bash
# Builds the benchmark's binaries from the library sources under src/ plus bench/*.c, into build/bench/
# (ignored by git; never part of build-wasm.sh or the test command):
#   build/bench/bench-simd128.wasm  emcc -O3 -msimd128, the flags of build-wasm.sh
#   build/bench/bench-scalar.wasm   the same without -msimd128
#   build/bench/bench-native        gcc -O3 with the flags of the CMake Release build (SIMDe for the
#                                   SIMD128 kernels on the host's SSE2), both kernel sets in one binary
# The wasm modules import env.bench_now (performance.now) besides the memory-growth notification;
# emcc is told not to mind that undefined symbol (bench_wasm.c declares it as an import).
# SF_BENCH_SRC=<dir> builds from another copy of src/ (for before/after comparisons), and
# SF_BENCH_OUT=<dir> writes somewhere else than build/bench.
set -euo pipefail
cd "$(dirname "$0")/.."

src=${SF_BENCH_SRC:-src}
out=${SF_BENCH_OUT:-build/bench}
mkdir -p "$out"
mapfile -t sources < <(find "$src" -name '*.c' -not -path '*/wasm/*' | sort)
# The wasm bench modules are single-threaded: the pthread pool (par/pool.c) is the native binary's only.
mapfile -t wasm_sources < <(printf '%s\n' "${sources[@]}" | grep -v '/par/pool\.c$')
bench=(bench/bench.c)

common=(-std=c11 -O3 -ffp-contract=off -DNDEBUG -Wall -Wextra -Wpedantic -Werror -I"$src" -Ibench)

wasm_flags=(--no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=16MB -sMAXIMUM_MEMORY=1GB
            -sTOTAL_STACK=1MB -sMALLOC=emmalloc -sERROR_ON_UNDEFINED_SYMBOLS=0 -sWARN_ON_UNDEFINED_SYMBOLS=0)
# The three builds run in parallel; each one's failure fails the script.
pids=()
emcc "${common[@]}" -msimd128 "${wasm_flags[@]}" "${wasm_sources[@]}" "${bench[@]}" bench/bench_wasm.c \
  -o "$out/bench-simd128.wasm" &
pids+=($!)
emcc "${common[@]}" "${wasm_flags[@]}" "${wasm_sources[@]}" "${bench[@]}" bench/bench_wasm.c \
  -o "$out/bench-scalar.wasm" &
pids+=($!)

simde=$(dirname "$(dirname "$(find /usr/include /usr/local/include -path '*simde/wasm/simd128.h' -print -quit)")")
gcc "${common[@]}" -DSF_SIMDE -I"$(dirname "$simde")" "${sources[@]}" "${bench[@]}" bench/bench_native.c \
  -lm -pthread -o "$out/bench-native" &
pids+=($!)
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
[ "$status" = 0 ] || { echo "bench/build.sh: a build failed" >&2; exit 1; }
echo "bench/build.sh: $out/bench-simd128.wasm $out/bench-scalar.wasm $out/bench-native"
